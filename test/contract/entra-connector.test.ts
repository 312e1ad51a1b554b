import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { EntraHarness } from './entra-harness.js';
import { DEFAULT_ACCESS_ROLE_ID } from '../fake/graph/index.js';
import { drain, drainChanges, failure } from './read-all.js';

/**
 * What only Entra has, beyond the shared contract: Graph's retry headers, inner `$batch` throttling, service
 * principal and default-access assignments, direct vs nested groups, the 403 → permission message, delta
 * expiry (410 syncStateNotFound) and soft deletes to deletedItems. Real Graph SDK against the fake Graph.
 */
const h = new EntraHarness();

const ids = (members: { externalId: string }[]) => members.map((m) => m.externalId).sort();

function addUsers(n: number, role: string | null = 'viewer', prefix = 'u'): string[] {
  const out: string[] = [];
  for (let i = 0; i < n; i++) {
    const id = `${prefix}-${String(i).padStart(4, '0')}`;
    h.addUser({ id, userName: `${id}@contoso.test` });
    if (role !== undefined) h.assignUser(id, role);
    out.push(id);
  }
  return out;
}

beforeAll(() => h.start());
afterAll(() => h.stop());
beforeEach(() => h.reset());

describe('entra connector: throttling and failures', () => {
  it('retries 429 and 503 after Retry-After, marking each retry with Retry-Attempt', async () => {
    addUsers(4);
    h.setPageSize(2);
    h.fake.injectFault({ status: 429, count: 1, afterRequests: 2, retryAfterSeconds: 0 });
    h.fake.injectFault({ status: 503, count: 1, retryAfterSeconds: 0 });
    const snapshot = await h.connector().fetchSnapshot();
    expect(await drain(snapshot)).toHaveLength(4);
    expect(snapshot.complete).toBe(true);
    // Both faults hit the same request: it is sent again twice, with the SDK's Retry-Attempt header.
    const attempts = h.fake.requests.filter((r) => r.retryAttempt !== undefined).map((r) => r.retryAttempt);
    expect(attempts).toEqual(['1', '2']);
  });

  it('gives up after maxRetries and marks the snapshot incomplete', async () => {
    addUsers(3);
    h.fake.injectFault({ status: 429, count: 10, afterRequests: 1, retryAfterSeconds: 0 });
    const snapshot = await h.connector({ settings: { maxRetries: 2 } }).fetchSnapshot();
    expect(await drain(snapshot)).toEqual([]);
    expect(snapshot.complete).toBe(false);
    expect(snapshot.cursor).toBeNull();
    expect(snapshot.problems[0]).toMatch(/throttling/);
  });

  it('re-sends $batch items that were throttled inside a 200 batch response', async () => {
    addUsers(40);
    h.fake.injectBatchItemFault({ status: 429, count: 2, retryAfterSeconds: 0 });
    const snapshot = await h.connector().fetchSnapshot();
    expect(await drain(snapshot)).toHaveLength(40);
    expect(snapshot.complete).toBe(true);
  });

  it('marks the snapshot incomplete when a request times out', async () => {
    addUsers(3);
    h.fake.injectFault({ status: 'timeout', count: 1, afterRequests: 1 });
    const snapshot = await h.connector({ settings: { requestTimeoutMs: 300 } }).fetchSnapshot();
    expect(await drain(snapshot)).toEqual([]);
    expect(snapshot.complete).toBe(false);
    expect(snapshot.problems[0]).toMatch(/could not reach Graph/);
  });

  it('ends a Retry-After wait as soon as the read is aborted, without retrying', async () => {
    addUsers(2);
    // Lists: the delta link, then the assignment page, which is throttled for two minutes.
    h.fake.injectFault({ status: 429, count: 1, afterRequests: 1, retryAfterSeconds: 120 });
    const controller = new AbortController();
    const snapshot = await h.connector().fetchSnapshot({ signal: controller.signal });
    const read = drain(snapshot).then(
      () => null,
      (e: unknown) => e,
    );
    await vi.waitFor(() => expect(h.fake.requests.some((r) => r.status === 429)).toBe(true), { timeout: 10_000, interval: 10 });
    const abortedAt = Date.now();
    controller.abort();
    expect(await read).toMatchObject({ name: 'AbortError' });
    expect(Date.now() - abortedAt).toBeLessThan(10_000);
    expect(h.fake.requests.some((r) => r.retryAttempt !== undefined)).toBe(false);
  });

  it('keeps members already streamed when the profile reads fail later', async () => {
    addUsers(700);
    // Lists: delta link, one assignment page, then the profile batches (300 users each).
    h.fake.injectFault({ status: 500, count: 50, afterRequests: 3 });
    const snapshot = await h.connector({ settings: { maxConcurrency: 1 } }).fetchSnapshot();
    const members = await drain(snapshot);
    expect(members.length).toBe(300);
    expect(snapshot.complete).toBe(false);
  });

  it('names the Graph permission on 403', async () => {
    addUsers(1);
    h.addGroup('g1', 'Group one', ['u-0000']);
    h.assignGroup('g1', 'admin');
    h.fake.granted.delete('GroupMember.Read.All');
    const members = await failure(async () => drain(await h.connector().fetchSnapshot()));
    expect(members.reason).toBe('permissions');
    expect(members.message).toMatch(/GroupMember\.Read\.All/);
    h.fake.granted.delete('Application.Read.All');
    const sp = await failure(() => h.connector().fetchSnapshot());
    expect(sp.message).toMatch(/Application\.Read\.All/);
    expect(sp.message).toContain(h.fake.clientId);
  });

  it('says which setting to check for an unknown service principal, client or tenant', async () => {
    expect((await failure(() => h.connector({ settings: { servicePrincipalId: 'no-such-sp' } }).fetchSnapshot())).reason).toBe('not_found');
    const client = await failure(() => h.connector({ settings: { clientId: 'no-such-client' } }).testConnection());
    expect(client.reason).toBe('credentials');
    expect(client.message).toMatch(/check clientId/);
    const tenant = await failure(() => h.connector({ settings: { tenantId: 'no-such-tenant' } }).testConnection());
    expect(tenant.message).toMatch(/tenantId/);
  });

  it('reports a mapping source Graph cannot select as a config error', async () => {
    addUsers(1);
    const error = await failure(async () => drain(await h.connector({ mapping: { attributes: { department: 'nonsense' } } }).fetchSnapshot()));
    expect(error.reason).toBe('config');
  });
});

describe('entra connector: assignments', () => {
  it('ignores service principals, devices and nested groups, and maps default access', async () => {
    addUsers(2, null);
    h.addUser({ id: 'nested', userName: 'nested@contoso.test' });
    h.fake.directory.addOtherObject('sp-1', 'Some daemon', 'servicePrincipal');
    h.fake.directory.addOtherObject('dev-1', 'A laptop', 'device');
    h.fake.directory.assign('sp-1', 'ServicePrincipal', DEFAULT_ACCESS_ROLE_ID);
    h.addGroup('inner', 'Inner', ['nested']);
    h.fake.directory.addGroup('outer', 'Outer', ['u-0001', 'dev-1', 'inner']);
    h.assignGroup('outer', 'editor');
    const direct = await drain(await h.connector({ mapping: { defaultAccessRole: 'viewer', roles: 'all' } }).fetchSnapshot());
    expect(ids(direct)).toEqual(['u-0000', 'u-0001']);
    expect(direct.find((m) => m.externalId === 'u-0000')!.roles).toEqual(['viewer']);
    expect(direct.find((m) => m.externalId === 'u-0001')!.roles.sort()).toEqual(['editor', 'viewer']);
    // Entra grants only direct members; transitive expansion is opt-in.
    const nested = await drain(await h.connector({ settings: { transitiveGroups: true } }).fetchSnapshot());
    expect(ids(nested)).toEqual(['nested', 'u-0000', 'u-0001']);
  });

  it('addresses the service principal by appId too', async () => {
    addUsers(2);
    const members = await drain(await h.connector({ settings: { servicePrincipalId: undefined, appId: h.fake.directory.servicePrincipal.appId } }).fetchSnapshot());
    expect(ids(members)).toEqual(['u-0000', 'u-0001']);
  });

  it('reads a larger app in several pages and batches', async () => {
    const all = addUsers(1_200);
    h.addGroup('big', 'Big group', all.slice(0, 600));
    h.assignGroup('big', 'editor');
    h.setPageSize(500);
    const snapshot = await h.connector().fetchSnapshot();
    const members = await drain(snapshot);
    expect(snapshot.complete).toBe(true);
    expect(members).toHaveLength(1_200);
    expect(new Set(ids(members)).size).toBe(1_200);
    expect(members.filter((m) => m.roles[0] === 'editor')).toHaveLength(600);
  });

  it('summarises the first page in testConnection', async () => {
    addUsers(2);
    h.fake.directory.addOtherObject('sp-1', 'Some daemon', 'servicePrincipal');
    h.fake.directory.assign('sp-1', 'ServicePrincipal', DEFAULT_ACCESS_ROLE_ID);
    const check = await h.connector().testConnection();
    expect(check.summary).toMatch(/3 assignments \(2 users, 0 groups, 1 service principals ignored\)/);
    expect(check.sample).toHaveLength(2);
  });
});

describe('entra connector: findUser', () => {
  it('looks the userName up by the mapped source property, with the literal percent-encoded', async () => {
    const mail = "r&d+o'neil#1@contoso.test";
    h.addUser({ id: 'u-mail', userName: 'upn-1@contoso.test', email: mail });
    h.assignUser('u-mail', 'editor');
    const byMail = h.connector({ mapping: { userName: 'mail' } });
    expect(await byMail.findUser("R&D+O'Neil#1@contoso.test")).toEqual({ externalId: 'u-mail', member: expect.objectContaining({ userName: mail, roles: ['editor'] }) });
    expect(await byMail.findUser('upn-1@contoso.test')).toBeNull();
    expect(h.fake.requests.some((r) => r.url.startsWith('/v1.0/users?$filter=mail%20eq%20'))).toBe(true);
  });

  it('looks the userName up as a userPrincipalName when Graph cannot filter on the mapped source', async () => {
    h.addUser({ id: 'u-ext', userName: 'ext@contoso.test', profile: { 'onPremisesExtensionAttributes.extensionAttribute2': 'EXT-1' } });
    h.assignUser('u-ext', 'viewer');
    const connector = h.connector({ mapping: { userName: 'onPremisesExtensionAttributes.extensionAttribute2' } });
    expect(await connector.findUser('ext@contoso.test')).toMatchObject({ externalId: 'u-ext', member: { userName: 'EXT-1', roles: ['viewer'] } });
  });

  it('refuses a userName that more than one user has, naming the mapping', async () => {
    h.addUser({ id: 'a', userName: 'a@contoso.test', email: 'shared@contoso.test' });
    h.addUser({ id: 'b', userName: 'b@contoso.test', email: 'shared@contoso.test' });
    const error = await failure(() => h.connector({ mapping: { userName: 'mail' } }).findUser('shared@contoso.test'));
    expect(error.reason).toBe('config');
    expect(error.message).toMatch(/2 users whose mail is "shared@contoso\.test" \(a, b\)/);
  });

  it('names User.Read.All when Graph denies the lookup', async () => {
    addUsers(1);
    h.fake.granted.delete('User.Read.All');
    const error = await failure(() => h.connector().findUser('u-0000@contoso.test'));
    expect(error.reason).toBe('permissions');
    expect(error.message).toMatch(/look up a user by userName.*User\.Read\.All/);
  });
});

describe('entra connector: delta', () => {
  it('asks for a full snapshot when Graph expired the delta token (410 syncStateNotFound)', async () => {
    addUsers(2);
    const connector = h.connector();
    const snapshot = await connector.fetchSnapshot();
    await drain(snapshot);
    h.fake.expireDeltaTokens();
    const changes = await connector.fetchChanges(snapshot.cursor!);
    expect(await drainChanges(changes)).toEqual([]);
    expect(changes.resyncRequired).toBe(true);
    expect(changes.cursor).toBeNull();
    expect(changes.complete).toBe(false);
    expect(changes.problems[0]).toMatch(/syncStateNotFound/);
  });

  it('asks for a full snapshot for a foreign cursor or a mapping that selects more', async () => {
    addUsers(1);
    const connector = h.connector();
    const snapshot = await connector.fetchSnapshot();
    await drain(snapshot);
    expect((await h.connector().fetchChanges('not-a-cursor')).resyncRequired).toBe(true);
    const wider = await h.connector({ mapping: { attributes: { department: 'department' } } }).fetchChanges(snapshot.cursor!);
    expect(wider.resyncRequired).toBe(true);
  });

  it('reports a soft delete to deletedItems and a role change from a group assignment', async () => {
    addUsers(3);
    h.addGroup('admins', 'Admins', []);
    h.assignGroup('admins', 'admin');
    const connector = h.connector();
    const snapshot = await connector.fetchSnapshot();
    await drain(snapshot);
    h.fake.directory.softDeleteUser('u-0000');
    h.fake.directory.addGroupMember('admins', { id: 'u-0001', type: 'user' });
    h.fake.emptyFirstDeltaPage = true;
    const set = await connector.fetchChanges(snapshot.cursor!);
    const changes = await drainChanges(set);
    expect(set.complete).toBe(true);
    expect(changes).toContainEqual({ externalId: 'u-0000', removed: true, reason: 'changed' });
    expect(changes.find((c) => c.externalId === 'u-0001')).toMatchObject({ roles: ['admin'] });
    expect(changes.map((c) => c.externalId)).not.toContain('u-0002');
  });

  it('ignores changes to users who are not assigned and replays a cursor idempotently', async () => {
    addUsers(2);
    h.addUser({ id: 'outsider', userName: 'outsider@contoso.test' });
    const connector = h.connector();
    const snapshot = await connector.fetchSnapshot();
    await drain(snapshot);
    h.updateUser('outsider', { givenName: 'Changed' });
    h.updateUser('u-0000', { givenName: 'Changed' });
    const first = await drainChanges(await connector.fetchChanges(snapshot.cursor!));
    const replay = await drainChanges(await connector.fetchChanges(snapshot.cursor!));
    expect(first.map((c) => c.externalId)).toEqual(['u-0000']);
    expect(replay).toEqual(first);
  });
});
