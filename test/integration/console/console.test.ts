import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createAppKey } from '../../../src/admin/create-app-key.js';
import { createWorkspace } from '../../../src/admin/create-workspace.js';
import type { ConnectorBinding } from '../../../src/config/config-schema.js';
import type { ConnectorLogger } from '../../../src/connector/connector.js';
import { parseAdminKey } from '../../../src/model/admin-key-token.js';
import { parseApiKey } from '../../../src/model/api-key-token.js';
import { parseAppKey } from '../../../src/model/app-key-token.js';
import { reconcile } from '../../../src/reconcile/reconciler.js';
import { revokeAdminKeyById } from '../../../src/store/admin-key-repository.js';
import { findMemberByExternalId, findMemberByUserName } from '../../../src/store/member-repository.js';
import { findPlan } from '../../../src/store/plan-repository.js';
import { readLog } from '../../../src/store/provisioning-log-repository.js';
import { listRuns } from '../../../src/store/sync-run-repository.js';
import { EntraHarness } from '../../contract/entra-harness.js';
import { GROUP_SCHEMA, scimClient, startTestGateway, USER_SCHEMA, type TestGateway } from '../../support/test-gateway.js';
import { DIALECTS, type TestDialect } from '../../support/test-store.js';
import { adminKey, consoleClient, csrfTokenIn, entraBinding } from './console-kit.js';

/**
 * The web console through app.inject() on the real server and store: sign-in with admin keys only, sessions that a
 * revocation or a sign-out ends, CSRF on every POST, escaping of what IdPs send, and the decisions and provisioning
 * it runs, against the fake Graph through the real Entra connector.
 */
const quiet: ConnectorLogger = { debug() {}, info() {}, warn() {}, error() {} };
const HOSTILE = `<script>alert("x")</script><img src=x onerror=alert(1)>`;

describe.each(DIALECTS)('web console on %s', (dialect: TestDialect) => {
  const h = new EntraHarness();
  let gw: TestGateway;
  let connectors: ConnectorBinding[];
  let admin: { id: string; token: string };

  beforeAll(async () => {
    await h.start();
    connectors = [entraBinding(h, 'plans'), entraBinding(h, 'ondemand')];
    gw = await startTestGateway(dialect, { connectors, server: { trustProxy: true } });
    admin = await adminKey(gw, 'ada');
    for (const id of ['plans', 'ondemand']) await createWorkspace(gw.db.store.db, { id, version: 'v2', now: new Date().toISOString(), policy: { deletionBudget: { count: null, percent: 20 } } });
  });
  afterAll(async () => {
    await gw.close();
    await h.stop();
  });
  beforeEach(() => h.reset());

  it('answers every page with 401 and a sign-in form without a session, with a strict CSP', async () => {
    const browser = consoleClient(gw.app);
    for (const url of ['/console', '/console/', '/console/workspaces/plans', '/console/plans/123', '/console/no-such-page']) {
      const response = await browser.get(url);
      expect(response.status, url).toBe(401);
      expect(response.headers['content-type']).toMatch(/^text\/html/);
      expect(response.body).toContain('action="/console/sign-in"');
      expect(response.headers['content-security-policy']).toContain("default-src 'none'");
      expect(response.headers['content-security-policy']).not.toContain('unsafe');
    }
    expect((await browser.post('/console/plans/123/approve', {})).status).toBe(401);
    // The stylesheet is public, the rest of the gateway untouched: SCIM still answers with its own errors.
    expect((await browser.get('/console/console.css')).status).toBe(200);
    const scim = await gw.app.inject({ method: 'GET', url: '/scim/v2/organizations/plans/Users' });
    expect(scim.statusCode).toBe(401);
    expect(scim.headers['content-type']).toMatch(/scim\+json/);
  });

  it('signs in with an admin key into an HttpOnly, SameSite=Strict session cookie, Secure behind an HTTPS proxy', async () => {
    const browser = consoleClient(gw.app);
    const signedIn = await browser.signIn(admin.token, '/console/workspaces/plans');
    expect(signedIn.status).toBe(303);
    expect(signedIn.headers.location).toBe('/console/workspaces/plans');
    const session = signedIn.setCookies.find((c) => c.startsWith('rosterd_console='))!;
    expect(session).toMatch(/HttpOnly/);
    expect(session).toMatch(/SameSite=Strict/);
    expect(session).toMatch(/Path=\/console/);
    expect(session).not.toMatch(/Secure/);

    const overview = await browser.get('/console');
    expect(overview.status).toBe(200);
    expect(overview.body).toContain('signed in as <strong>ada</strong>');
    expect(overview.body).toContain('href="/console/workspaces/plans"');
    expect((await browser.get('/console/workspaces/plans')).status).toBe(200);
    expect((await browser.get('/console/workspaces/ghost')).status).toBe(404);

    const proxied = consoleClient(gw.app, { headers: { 'x-forwarded-proto': 'https' } });
    const secure = await proxied.signIn(admin.token);
    expect(secure.setCookies.find((c) => c.startsWith('rosterd_console='))).toMatch(/Secure/);
  });

  it('refuses SCIM and app keys at sign-in, and an admin key at SCIM and the app API', async () => {
    const { token: scimKey } = await gw.workspace({ id: 'keys', version: 'v2' });
    const { token: appKey } = await createAppKey(gw.db.store.db, { workspaceId: null, name: 'backend', now: new Date().toISOString() });
    for (const [what, key] of [
      ['a SCIM key', scimKey],
      ['an app key', appKey],
      ['a wrong admin secret', admin.token.slice(0, -4) + (admin.token.endsWith('AAAA') ? 'BBBB' : 'AAAA')],
      ['garbage', 'rosterd_admin_nonsense'],
    ] as const) {
      const browser = consoleClient(gw.app);
      const refused = await browser.signIn(key);
      expect(refused.status, what).toBe(401);
      expect(refused.body, what).toContain('That is not a valid admin key');
      expect(browser.jar.has('rosterd_console'), what).toBe(false);
    }
    // The prefixes keep the three parsers apart.
    expect(parseAdminKey(scimKey)).toBeNull();
    expect(parseAdminKey(appKey)).toBeNull();
    expect(parseApiKey(admin.token)).toBeNull();
    expect(parseAppKey(admin.token)).toBeNull();
    expect(parseAdminKey(admin.token)).not.toBeNull();
    const scim = scimClient(gw.app, '/scim/v2/organizations/keys', admin.token);
    expect((await scim.get('/Users')).status).toBe(401);
    const app = await gw.app.inject({ method: 'GET', url: '/api/v1/workspaces/keys/members', headers: { authorization: `Bearer ${admin.token}` } });
    expect(app.statusCode).toBe(401);
  });

  it('ends the session when its admin key is revoked, and at sign-out', async () => {
    const revoked = await adminKey(gw, 'temp');
    const browser = consoleClient(gw.app);
    expect((await browser.signIn(revoked.token)).status).toBe(303);
    expect((await browser.get('/console')).status).toBe(200);
    await revokeAdminKeyById(gw.db.store.db, revoked.id, new Date().toISOString());
    const after = await browser.get('/console');
    expect(after.status).toBe(401);
    expect(after.body).toContain('Your session has ended');
    expect((await consoleClient(gw.app).signIn(revoked.token)).status).toBe(401);

    const other = consoleClient(gw.app);
    await other.signIn(admin.token);
    const cookie = other.jar.get('rosterd_console')!;
    expect((await other.submit('/console', '/console/sign-out')).status).toBe(303);
    expect(other.jar.has('rosterd_console')).toBe(false);
    // The cookie a thief kept opens nothing either: the session row is gone.
    const replay = await gw.app.inject({ method: 'GET', url: '/console', headers: { cookie: `rosterd_console=${cookie}` } });
    expect(replay.statusCode).toBe(401);
  });

  it('refuses a POST without a valid CSRF token with 403, before doing anything', async () => {
    const plan = await pendingPlan('plans');
    const browser = consoleClient(gw.app);
    await browser.signIn(admin.token);
    const missing = await browser.post(`/console/plans/${plan}/reject`, {});
    expect(missing.status).toBe(403);
    expect(missing.headers['content-type']).toMatch(/^text\/html/);
    expect(missing.body).toContain('This form has expired or did not come from this console');
    expect((await browser.post(`/console/plans/${plan}/reject`, { _csrf: 'made-up' })).status).toBe(403);
    // A token of another admin's session (with that session's secret cookie tossed in) does not pass either.
    const other = consoleClient(gw.app);
    await other.signIn(admin.token);
    const foreign = csrfTokenIn((await other.get('/console')).body);
    browser.jar.set('rosterd_console_csrf', other.jar.get('rosterd_console_csrf')!);
    expect((await browser.post(`/console/plans/${plan}/reject`, { _csrf: foreign })).status).toBe(403);
    expect((await findPlan(gw.db.store.db, plan))?.status).toBe('pending');
    // The sign-in form is protected too.
    expect((await consoleClient(gw.app).post('/console/sign-in', { key: admin.token })).status).toBe(403);
    await gw.db.store.db.updateTable('plan').set({ status: 'stale' }).where('id', '=', plan).execute();
  });

  it('approves a plan held by the deletion budget, as plan approve does, recorded with the admin key name', async () => {
    const plan = await pendingPlan('plans');
    const browser = consoleClient(gw.app);
    await browser.signIn(admin.token);
    const page = await browser.get(`/console/plans/${plan}`);
    expect(page.status).toBe(200);
    expect(page.body).toContain('Approve and apply');
    expect(page.body).toMatch(/deactivate<\/td>\s*<td>member<\/td>\s*<td class="mono">user0@example\.test<\/td>/);

    const approved = await browser.post(`/console/plans/${plan}/approve`, { _csrf: csrfTokenIn(page.body) });
    expect(approved.status).toBe(200);
    expect(approved.body).toContain('Approved by admin:ada: applied plan');
    expect(await findPlan(gw.db.store.db, plan)).toMatchObject({ status: 'approved', decidedBy: 'admin:ada' });
    expect((await findMemberByExternalId(gw.db.store.db, 'plans', 'u-0'))?.active).toBe(false);
    expect((await listRuns(gw.db.store.db, 'plans', 1))[0]).toMatchObject({ trigger: 'approve', result: 'applied', planId: plan });
    const logged = (await readLog(gw.db.store.db, 'plans', { limit: 100 })).filter((e) => e.operation === 'plan.approve');
    expect(logged).toMatchObject([{ actor: 'admin:ada', targetId: plan, result: 'applied' }]);

    // Decided once: a second approval is refused on the plan's page.
    const again = await browser.post(`/console/plans/${plan}/approve`, { _csrf: csrfTokenIn(approved.body) });
    expect(again.status).toBe(409);
    expect(again.body).toContain('This plan is approved');
  });

  it('rejects a pending plan: nothing applied, the plan and the log name the admin', async () => {
    const plan = await pendingPlan('plans');
    const browser = consoleClient(gw.app);
    await browser.signIn(admin.token);
    const rejected = await browser.submit(`/console/plans/${plan}`, `/console/plans/${plan}/reject`);
    expect(rejected.status).toBe(200);
    expect(rejected.body).toContain('Rejected by admin:ada');
    expect(await findPlan(gw.db.store.db, plan)).toMatchObject({ status: 'rejected', decidedBy: 'admin:ada' });
    expect((await findMemberByExternalId(gw.db.store.db, 'plans', 'u-0'))?.active).toBe(true);
    const logged = (await readLog(gw.db.store.db, 'plans', { limit: 100 })).filter((e) => e.operation === 'plan.reject');
    expect(logged).toMatchObject([{ actor: 'admin:ada', targetId: plan, result: 'applied', after: { status: 'rejected' } }]);
    // The workspace page lists the decision in its log, linked to the plan.
    expect((await browser.get('/console/workspaces/plans')).body).toContain(`href="/console/plans/${plan}"`);
  });

  it('escapes what an IdP sends: a hostile displayName, userName and group name are text, never markup', async () => {
    const { base, token } = await gw.workspace({ id: 'hostile', version: 'v2' });
    const scim = scimClient(gw.app, base, token);
    const created = await scim.post('/Users', { schemas: [USER_SCHEMA], userName: `"><svg onload=alert(2)>@x.test`, displayName: HOSTILE, externalId: `'><b>ext` });
    expect(created.status).toBe(201);
    expect((await scim.post('/Groups', { schemas: [GROUP_SCHEMA], displayName: HOSTILE, members: [{ value: created.body.id }] })).status).toBe(201);
    const browser = consoleClient(gw.app);
    await browser.signIn(admin.token);
    const page = await browser.get('/console/workspaces/hostile');
    expect(page.status).toBe(200);
    expect(page.body).not.toContain('<script>alert');
    expect(page.body).not.toContain('<img src=x');
    expect(page.body).not.toContain('<svg');
    expect(page.body).not.toContain("'><b>");
    expect(page.body).toContain('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;');
    expect(page.body).toContain('&quot;&gt;&lt;svg onload=alert(2)&gt;@x.test');
    // Searching for it puts the text in an attribute, escaped there too.
    const searched = await browser.get(`/console/workspaces/hostile?q=${encodeURIComponent('"><svg')}`);
    expect(searched.body).toContain('value="&quot;&gt;&lt;svg"');
    expect(searched.body).toContain('&quot;&gt;&lt;svg onload=alert(2)&gt;@x.test');
    expect((await browser.get(`/console/workspaces/hostile?q=nobody`)).body).toContain('No members match.');
  });

  it('provisions one user on demand through the IdP, and says why not for a user the IdP does not know', async () => {
    h.addUser({ id: 'od-1', userName: 'grace@example.test', givenName: 'Grace', familyName: 'Hopper', email: 'grace@example.test', profile: { [h.departmentSource]: 'Navy' } });
    h.assignUser('od-1', 'editor');
    const browser = consoleClient(gw.app);
    await browser.signIn(admin.token);
    const done = await browser.submit('/console/workspaces/ondemand', '/console/workspaces/ondemand/provision', { user: 'grace@example.test' });
    expect(done.status).toBe(200);
    expect(done.body).toContain('<strong>applied</strong>');
    expect(done.body).toMatch(/create<\/td>\s*<td>member<\/td>\s*<td class="mono">grace@example\.test/);
    expect(await findMemberByUserName(gw.db.store.db, 'ondemand', 'grace@example.test')).toMatchObject({ externalId: 'od-1', department: 'Navy', managedBy: 'entra' });

    const unknown = await browser.submit('/console/workspaces/ondemand', '/console/workspaces/ondemand/provision', { user: 'nobody@example.test' });
    expect(unknown.body).toContain('nobody@example.test');
    expect(unknown.body).toMatch(/class="notice bad"/);
    // The member list shows where each field came from.
    const listed = await browser.get('/console/workspaces/ondemand?q=grace');
    expect(listed.body).toMatch(/<strong>connector:entra<\/strong>: [^<]*department/);
  });

  /** A plan of workspace `ws` held by its deletion budget (20%): ten users in, then five unassigned. */
  async function pendingPlan(ws: string): Promise<string> {
    h.reset();
    await gw.db.store.db.deleteFrom('plan').where('workspace_id', '=', ws).where('status', '=', 'pending').execute();
    for (let i = 0; i < 10; i++) {
      h.addUser({ id: `u-${i}`, userName: `user${i}@example.test`, email: `user${i}@example.test`, profile: { [h.departmentSource]: 'Sales' } });
      h.assignUser(`u-${i}`, 'viewer');
    }
    const run = () => reconcile({ store: gw.db.store, config: { connectors }, log: quiet, clock: () => new Date() }, { workspaceId: ws, mode: 'full', dryRun: false, trigger: 'cli' });
    const first = await run();
    expect(first.result, first.message).toMatch(/applied|no_changes/);
    for (let i = 0; i < 5; i++) h.unassignUser(`u-${i}`);
    const refused = await run();
    expect(refused.result, refused.message).toBe('refused');
    return refused.planId!;
  }
});
