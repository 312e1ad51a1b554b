import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAppKey } from '../../../src/admin/create-app-key.js';
import { parseApiKey } from '../../../src/model/api-key-token.js';
import { parseAppKey } from '../../../src/model/app-key-token.js';
import { activeAppKeysNamed, revokeAppKeyById } from '../../../src/store/app-key-repository.js';
import { scimClient, startTestGateway, type TestGateway } from '../../support/test-gateway.js';
import { DIALECTS } from '../../support/test-store.js';
import { appClient, appKeyFor, userBody, v2Workspace } from './app-api-kit.js';

/** App keys: each reaches its own workspace (or all of them), neither key kind opens the other API, revocation is immediate. */
describe.each(DIALECTS)('app API authentication on %s', (dialect) => {
  let gw: TestGateway;
  let a: Awaited<ReturnType<typeof v2Workspace>>;
  let b: Awaited<ReturnType<typeof v2Workspace>>;
  let memberOfB = '';

  beforeAll(async () => {
    gw = await startTestGateway(dialect);
    a = await v2Workspace(gw, 'tenant-a');
    b = await v2Workspace(gw, 'tenant-b');
    memberOfB = (await b.scim.post('/Users', userBody('bee@acme.example'))).body.id;
  });
  afterAll(() => gw.close());

  it('gives a workspace key of another workspace the same 404 as a workspace that does not exist', async () => {
    const paths = (ws: string) => [`/workspaces/${ws}/members`, `/workspaces/${ws}/members/${memberOfB}`, `/workspaces/${ws}/groups`, `/workspaces/${ws}/events`];
    const bodies = new Set<string>();
    const cases: [string, string][] = [...paths('tenant-b').map((p): [string, string] => ['tenant-b', p]), ...paths('ghost').map((p): [string, string] => ['ghost', p])];
    for (const [ws, path] of cases) {
      const response = await a.app(path);
      expect(response.status, path).toBe(404);
      expect(response.body.error.code).toBe('not_found');
      bodies.add(JSON.stringify(response.body).replace(ws, '<ws>'));
    }
    expect(bodies.size).toBe(1);
    expect((await b.app(`/workspaces/tenant-b/members/${memberOfB}`)).status).toBe(200);
  });

  it('lets an all-workspaces key reach every workspace', async () => {
    const all = appClient(gw.app, await appKeyFor(gw, null, 'everything'));
    expect((await all('/workspaces/tenant-a/members')).status).toBe(200);
    expect((await all(`/workspaces/tenant-b/members/${memberOfB}`)).body.userName).toBe('bee@acme.example');
    expect((await all('/workspaces/ghost/members')).status).toBe(404);
  });

  it('refuses a missing, malformed, wrong or SCIM key with 401 unauthorized', async () => {
    const wrongSecret = a.appToken.slice(0, -4) + (a.appToken.endsWith('AAAA') ? 'BBBB' : 'AAAA');
    for (const [what, client] of [
      ['no key', appClient(gw.app, null)],
      ['garbage', appClient(gw.app, 'nonsense')],
      ['wrong secret', appClient(gw.app, wrongSecret)],
      ['the SCIM key', appClient(gw.app, a.scimToken)],
    ] as const) {
      const response = await client('/workspaces/tenant-a/members');
      expect(response.status, what).toBe(401);
      expect(response.body.error.code, what).toBe('unauthorized');
      expect(response.headers['www-authenticate']).toMatch(/^Bearer/);
    }
    expect(parseAppKey(a.scimToken)).toBeNull();
  });

  it('refuses an app key on SCIM: its parser does not accept the app format', async () => {
    expect(parseApiKey(a.appToken)).toBeNull();
    const scimWithAppKey = scimClient(gw.app, '/scim/v2/organizations/tenant-a', a.appToken);
    const response = await scimWithAppKey.get('/Users');
    expect(response.status).toBe(401);
    expect(response.body.detail).toMatch(/authentication failed/);
  });

  it('refuses a revoked key on its next request, and records a key’s use', async () => {
    const { key, token } = await createAppKey(gw.db.store.db, { workspaceId: 'tenant-a', name: 'short-lived', now: new Date().toISOString() });
    const client = appClient(gw.app, token);
    expect((await client('/workspaces/tenant-a/groups')).status).toBe(200);
    await expect.poll(async () => (await gw.db.store.db.selectFrom('app_key').select('last_used_at').where('id', '=', key.id).executeTakeFirstOrThrow()).last_used_at).not.toBeNull();
    const [found] = await activeAppKeysNamed(gw.db.store.db, 'short-lived', { workspaceId: 'tenant-a' });
    await revokeAppKeyById(gw.db.store.db, found!.id, new Date().toISOString());
    expect((await client('/workspaces/tenant-a/groups')).status).toBe(401);
  });

  it('refuses a second active key of the same name in one scope', async () => {
    await expect(createAppKey(gw.db.store.db, { workspaceId: 'tenant-a', name: 'app', now: new Date().toISOString() })).rejects.toThrow(/already has an active app key named "app"/);
    await expect(createAppKey(gw.db.store.db, { workspaceId: 'ghost', name: 'x', now: new Date().toISOString() })).rejects.toThrow(/does not exist/);
  });
});
