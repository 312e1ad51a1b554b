import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiKey } from '../../../src/admin/create-api-key.js';
import { generateApiKey } from '../../../src/model/api-key-token.js';
import { revokeApiKey } from '../../../src/store/api-key-repository.js';
import { GROUP_SCHEMA, patchOp, scimClient, startTestGateway, type TestGateway } from '../../support/test-gateway.js';
import { DIALECTS } from '../../support/test-store.js';
import { isScimError, userBody, type Scim, type ScimResponse } from './scim-kit.js';

/** A key opens only its own workspace, and a refusal never tells whether another workspace exists. */
describe.each(DIALECTS)('tenant isolation on %s', (dialect) => {
  let gw: TestGateway;
  let acme: { id: string; token: string; base: string };
  let globex: { id: string; token: string; base: string };
  let asAcme: Scim;
  let asGlobex: Scim;
  /** acme's key used against globex's URL. */
  let acmeKeyOnGlobex: Scim;
  let globexUser: Record<string, any>;
  let globexGroup: Record<string, any>;
  let acmeUser: Record<string, any>;
  let acmeGroup: Record<string, any>;

  const now = () => new Date().toISOString();

  beforeAll(async () => {
    gw = await startTestGateway(dialect, { scim: { defaultCount: 100, maxCount: 1000, mounts: [{ path: '/scim/v2', workspace: 'acme' }] } });
    acme = await gw.workspace({ id: 'acme', version: 'v2' });
    globex = await gw.workspace({ id: 'globex', version: 'v2' });
    asAcme = scimClient(gw.app, acme.base, acme.token);
    asGlobex = scimClient(gw.app, globex.base, globex.token);
    acmeKeyOnGlobex = scimClient(gw.app, globex.base, acme.token);
    acmeUser = (await asAcme.post('/Users', userBody('ann@acme.example', { externalId: 'ann' }))).body;
    acmeGroup = (await asAcme.post('/Groups', { schemas: [GROUP_SCHEMA], displayName: 'Staff', members: [{ value: acmeUser.id }] })).body;
    globexUser = (await asGlobex.post('/Users', userBody('gus@globex.example', { externalId: 'gus' }))).body;
    globexGroup = (await asGlobex.post('/Groups', { schemas: [GROUP_SCHEMA], displayName: 'Staff', members: [{ value: globexUser.id }] })).body;
  });
  afterAll(() => gw.close());

  function expectRejected(response: ScimResponse): void {
    expect(response.status).toBe(401);
    expect(isScimError(response.body, 401)).toBe(true);
    expect(response.headers['content-type']).toContain('application/scim+json');
    expect(String(response.headers['www-authenticate'])).toMatch(/^Bearer\b/);
  }

  it("refuses every read and write of another workspace's URL with 401 and a SCIM Error body", async () => {
    const attempts = [
      await acmeKeyOnGlobex.get(`/Users/${globexUser.id}`),
      await acmeKeyOnGlobex.get('/Users'),
      await acmeKeyOnGlobex.get('/Users?filter=userName eq "gus@globex.example"'),
      await acmeKeyOnGlobex.post('/Users/.search', { schemas: ['urn:ietf:params:scim:api:messages:2.0:SearchRequest'] }),
      await acmeKeyOnGlobex.post('/Users', userBody('intruder@acme.example')),
      await acmeKeyOnGlobex.put(`/Users/${globexUser.id}`, userBody('gus@globex.example', { title: 'Hacked' })),
      await acmeKeyOnGlobex.patch(`/Users/${globexUser.id}`, patchOp({ op: 'replace', path: 'active', value: false })),
      await acmeKeyOnGlobex.delete(`/Users/${globexUser.id}`),
      await acmeKeyOnGlobex.get('/Groups'),
      await acmeKeyOnGlobex.get(`/Groups/${globexGroup.id}`),
      await acmeKeyOnGlobex.patch(`/Groups/${globexGroup.id}`, patchOp({ op: 'remove', path: 'members' })),
      await acmeKeyOnGlobex.delete(`/Groups/${globexGroup.id}`),
      await acmeKeyOnGlobex.get('/ServiceProviderConfig'),
      await acmeKeyOnGlobex.get('/Schemas'),
    ];
    for (const attempt of attempts) expectRejected(attempt);

    const user = await asGlobex.get(`/Users/${globexUser.id}`);
    expect(user.status).toBe(200);
    expect(user.body.active).toBe(true);
    expect(user.body.meta.version).toBe(globexUser.meta.version);
    const group = await asGlobex.get(`/Groups/${globexGroup.id}`);
    expect(group.body.members).toHaveLength(1);
    expect((await asGlobex.get('/Users')).body.totalResults).toBe(1);
  });

  it('gives the same 401 detail for a wrong key, a revoked key, a foreign key and a workspace that does not exist', async () => {
    const revoked = await createApiKey(gw.db.store.db, { workspaceId: 'acme', name: 'to-revoke', now: now() });
    expect((await scimClient(gw.app, acme.base, revoked.token).get('/Users')).status).toBe(200);
    expect(await revokeApiKey(gw.db.store.db, 'acme', revoked.key.id, now())).toBeDefined();

    const wellFormedUnknown = generateApiKey().token;
    const rightIdWrongSecret = `${acme.token.slice(0, acme.token.lastIndexOf('_'))}_${'A'.repeat(43)}`;
    const responses = {
      wrongKey: await scimClient(gw.app, acme.base, wellFormedUnknown).get('/Users'),
      wrongSecret: await scimClient(gw.app, acme.base, rightIdWrongSecret).get('/Users'),
      garbage: await scimClient(gw.app, acme.base, 'not-a-key').get('/Users'),
      revoked: await scimClient(gw.app, acme.base, revoked.token).get('/Users'),
      foreign: await acmeKeyOnGlobex.get('/Users'),
      noSuchWorkspace: await scimClient(gw.app, '/scim/v2/organizations/ghost', acme.token).get('/Users'),
      noSuchWorkspaceUnknownKey: await scimClient(gw.app, '/scim/v2/organizations/ghost', wellFormedUnknown).get('/Users'),
    };
    for (const response of Object.values(responses)) expectRejected(response);
    const details = new Set(Object.values(responses).map((r) => r.body.detail));
    expect(details.size).toBe(1);
    const bodies = new Set(Object.values(responses).map((r) => JSON.stringify(r.body)));
    expect(bodies.size).toBe(1);
    expect([...details][0]).not.toMatch(/globex|ghost|acme|revoked/i);
  });

  it('answers a missing Authorization header with 401 and WWW-Authenticate', async () => {
    const response = await gw.app.inject({ method: 'GET', url: `${acme.base}/Users` });
    expect(response.statusCode).toBe(401);
    expect(response.headers['www-authenticate']).toBeDefined();
    const body = JSON.parse(response.body) as Record<string, any>;
    expect(isScimError(body, 401)).toBe(true);
  });

  it('accepts the bare key (Okta Header Auth) and any case of "Bearer"', async () => {
    for (const authorization of [acme.token, `bearer ${acme.token}`, `BEARER  ${acme.token}`, `Bearer ${acme.token}`]) {
      const response = await scimClient(gw.app, acme.base, acme.token, { authorization }).get(`/Users/${acmeUser.id}`);
      expect(response.status, authorization.slice(0, 8)).toBe(200);
    }
    // A bare key still opens only its own workspace.
    expectRejected(await scimClient(gw.app, globex.base, acme.token, { authorization: acme.token }).get('/Users'));
  });

  it("answers 404 for another workspace's ids through one's own URL, and changes nothing", async () => {
    const attempts = [
      await asAcme.get(`/Users/${globexUser.id}`),
      await asAcme.put(`/Users/${globexUser.id}`, userBody('gus@globex.example', { title: 'Hacked' })),
      await asAcme.patch(`/Users/${globexUser.id}`, patchOp({ op: 'replace', path: 'active', value: false })),
      await asAcme.delete(`/Users/${globexUser.id}`),
      await asAcme.get(`/Groups/${globexGroup.id}`),
      await asAcme.put(`/Groups/${globexGroup.id}`, { schemas: [GROUP_SCHEMA], displayName: 'Mine now' }),
      await asAcme.patch(`/Groups/${globexGroup.id}`, patchOp({ op: 'replace', path: 'displayName', value: 'Mine now' })),
      await asAcme.delete(`/Groups/${globexGroup.id}`),
    ];
    for (const attempt of attempts) {
      expect(attempt.status).toBe(404);
      expect(isScimError(attempt.body, 404)).toBe(true);
    }
    const user = await asGlobex.get(`/Users/${globexUser.id}`);
    expect(user.body.meta.version).toBe(globexUser.meta.version);
    expect((await asGlobex.get(`/Groups/${globexGroup.id}`)).body.displayName).toBe('Staff');
  });

  it("refuses another workspace's user as a member of one's own group", async () => {
    const added = await asAcme.patch(`/Groups/${acmeGroup.id}`, patchOp({ op: 'add', path: 'members', value: [{ value: globexUser.id }] }));
    expect(added.status).toBe(400);
    expect(added.body.scimType).toBe('invalidValue');
    const created = await asAcme.post('/Groups', { schemas: [GROUP_SCHEMA], displayName: 'Smuggled', members: [{ value: globexUser.id }] });
    expect(created.status).toBe(400);
    const members = (await asAcme.get(`/Groups/${acmeGroup.id}`)).body.members as { value: string }[];
    expect(members.map((m) => m.value)).toEqual([acmeUser.id]);
  });

  it('never lists or filters into another workspace', async () => {
    expect((await asAcme.get('/Users?filter=userName eq "gus@globex.example"')).body.totalResults).toBe(0);
    expect((await asAcme.get('/Users?filter=externalId eq "gus"')).body.totalResults).toBe(0);
    expect((await asAcme.get(`/Users?filter=id eq "${globexUser.id}"`)).body.totalResults).toBe(0);
    const all = await asAcme.get('/Users');
    expect(all.body.Resources.map((r: { id: string }) => r.id)).not.toContain(globexUser.id);
    const groups = await asAcme.get('/Groups?filter=displayName eq "Staff"');
    expect(groups.body.Resources.map((g: { id: string }) => g.id)).toEqual([acmeGroup.id]);
  });

  it('lets two workspaces use the same userName, externalId and group name', async () => {
    const sameName = await asGlobex.post('/Users', userBody('ann@acme.example', { externalId: 'ann' }));
    expect(sameName.status).toBe(201);
    expect(sameName.body.id).not.toBe(acmeUser.id);
    expect((await asAcme.get(`/Users/${acmeUser.id}`)).body.userName).toBe('ann@acme.example');
    await asGlobex.delete(`/Users/${sameName.body.id}`);
  });

  it("serves a fixed mount only with its own workspace's key", async () => {
    const mountedAcme = scimClient(gw.app, '/scim/v2', acme.token);
    const found = await mountedAcme.get(`/scim/v2/Users/${acmeUser.id}`);
    expect(found.status).toBe(200);
    expect(found.body.meta.location).toContain(`/scim/v2/Users/${acmeUser.id}`);
    expectRejected(await scimClient(gw.app, '/scim/v2', globex.token).get('/scim/v2/Users'));
    expect((await mountedAcme.get(`/scim/v2/Users/${globexUser.id}`)).status).toBe(404);
  });
});
