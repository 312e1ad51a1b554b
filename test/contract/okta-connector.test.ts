import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Connector } from '../../src/connector/connector.js';
import { OktaHarness } from './okta-harness.js';
import { drain, drainChanges, failure } from './read-all.js';

/**
 * What only Okta has, beyond the shared contract: the private-key JWT flow, scopes, the System Log cursor,
 * group members not yet materialised as app users, the SDK cache, timeouts and the concurrency bound.
 */
const h = new OktaHarness();
const fake = h.fake;
const dir = () => h.directory;

function addAssigned(n: number, role = 'viewer'): string[] {
  return Array.from({ length: n }, (_, i) => {
    const id = `00u${String(i).padStart(17, '0')}`;
    h.addUser({ id, userName: `u${i}@example.test`, givenName: `G${i}`, familyName: `F${i}` });
    h.assignUser(id, role);
    return id;
  });
}

async function synced(connector: Connector): Promise<string> {
  const snapshot = await connector.fetchSnapshot();
  await drain(snapshot);
  return snapshot.cursor!;
}

const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048, publicKeyEncoding: { type: 'spki', format: 'pem' }, privateKeyEncoding: { type: 'pkcs8', format: 'pem' } });
const privateKeyAuth = (extra: Record<string, unknown> = {}) => ({ auth: { type: 'privateKey', clientId: '0oaServiceApp', keyId: 'kid-1', privateKey, ...extra } as never });

beforeAll(() => h.start());
afterAll(() => h.stop());
beforeEach(() => h.reset());

describe('okta connector: requests and the SDK', () => {
  it('asks for 500 app users with the user embedded, and never serves a stale cached copy', async () => {
    const [id] = addAssigned(1);
    const connector = h.connector();
    await drain(await connector.fetchSnapshot());
    expect(fake.requests.some((r) => r.route === 'appUsers' && /[?&]limit=500\b/.test(r.url) && /[?&]expand=user\b/.test(r.url))).toBe(true);
    expect(fake.requests.every((r) => r.route === 'token' || r.authScheme === 'SSWS')).toBe(true);
    expect((await connector.fetchOne(id!))!.givenName).toBe('G0');
    h.updateUser(id!, { givenName: 'Changed' });
    // With the SDK's default cache the second read would return 'G0' forever.
    expect((await connector.fetchOne(id!))!.givenName).toBe('Changed');
  });

  it('retries a 429 after X-Rate-Limit-Reset and marks the retry', async () => {
    addAssigned(3);
    h.setPageSize(1);
    h.injectFault({ status: 429, count: 2, afterRequests: 1 });
    const snapshot = await h.connector().fetchSnapshot();
    expect(await drain(snapshot)).toHaveLength(3);
    expect(snapshot.complete).toBe(true);
    expect(fake.requests.filter((r) => r.status === 429)).toHaveLength(2);
    expect(fake.requests.some((r) => r.retryCount === '2' && r.status === 200)).toBe(true);
  });

  it('gives up on a 429 after maxRetries and leaves the snapshot incomplete', async () => {
    addAssigned(3);
    h.setPageSize(1);
    h.injectFault({ status: 429, count: 10, afterRequests: 1 });
    const snapshot = await h.connector({ settings: { maxRetries: 1 } }).fetchSnapshot();
    expect(await drain(snapshot)).toHaveLength(1);
    expect(snapshot.complete).toBe(false);
    expect(snapshot.problems[0]).toMatch(/429/);
  });

  it('turns a hung request into an incomplete snapshot once requestTimeoutMs passes', async () => {
    addAssigned(3);
    h.setPageSize(1);
    fake.faults.add({ status: 'timeout', count: 1, afterRequests: 1, routes: ['appUsers'] });
    const snapshot = await h.connector({ settings: { requestTimeoutMs: 300 } }).fetchSnapshot();
    expect(await drain(snapshot)).toHaveLength(1);
    expect(snapshot.complete).toBe(false);
    expect(snapshot.problems[0]).toMatch(/could not be reached|timeout/i);
  });

  it('keeps at most maxConcurrency requests in flight', async () => {
    const ids = addAssigned(12);
    const connector = h.connector({ settings: { maxConcurrency: 3 } });
    const cursor = await synced(connector);
    for (const id of ids) h.updateUser(id, { givenName: 'X' });
    fake.latencyMs = 15;
    fake.peakInFlight = 0;
    expect(await drainChanges(await connector.fetchChanges(cursor))).toHaveLength(12);
    expect(fake.peakInFlight).toBeGreaterThan(1);
    expect(fake.peakInFlight).toBeLessThanOrEqual(3);
  });
});

describe('okta connector: aborting a read', () => {
  it('ends an X-Rate-Limit-Reset wait as soon as the read is aborted, without retrying', async () => {
    addAssigned(3);
    h.setPageSize(1);
    // The second page is throttled for a minute (the SDK waits Reset·1000 − Date + 1000 ms).
    fake.faults.add({ status: 429, count: 1, afterRequests: 1, routes: ['appUsers'], resetAfterSeconds: 60 });
    const controller = new AbortController();
    const snapshot = await h.connector().fetchSnapshot({ signal: controller.signal });
    const read = drain(snapshot).then(
      () => null,
      (e: unknown) => e,
    );
    await vi.waitFor(() => expect(fake.requests.some((r) => r.status === 429)).toBe(true), { timeout: 10_000, interval: 10 });
    const abortedAt = Date.now();
    controller.abort();
    expect(await read).toMatchObject({ name: 'AbortError' });
    expect(Date.now() - abortedAt).toBeLessThan(10_000);
    expect(fake.requests.some((r) => r.retryCount !== null)).toBe(false);
  });

  it('ends a change read with an AbortError while a re-read of a changed user hangs', async () => {
    const ids = addAssigned(2);
    const connector = h.connector();
    const cursor = await synced(connector);
    for (const id of ids) h.updateUser(id, { givenName: 'Changed' });
    const held = fake.whenHeld(fake.heldCount + 1);
    fake.faults.add({ status: 'timeout', count: 1, routes: ['appUser'] });
    const controller = new AbortController();
    const changes = await connector.fetchChanges(cursor, { signal: controller.signal });
    const read = drainChanges(changes).then(
      () => null,
      (e: unknown) => e,
    );
    await held;
    controller.abort();
    expect(await read).toMatchObject({ name: 'AbortError' });
  });

  it("rethrows the signal's own reason", async () => {
    addAssigned(1);
    const reason = new Error('shutting down');
    await expect(h.connector().fetchOne(dir().users.keys().next().value!, { signal: AbortSignal.abort(reason) })).rejects.toBe(reason);
  });
});

describe('okta connector: findUser', () => {
  it('finds a DEPROVISIONED user, but not as a member', async () => {
    const [id] = addAssigned(1);
    dir().setStatus(id!, 'DEPROVISIONED');
    expect(await h.connector().findUser('u0@example.test')).toEqual({ externalId: id, member: null });
  });

  it('percent-encodes the login in the path', async () => {
    const login = 'r&d+a/b#1@example.test';
    h.addUser({ id: '00uEncoded', userName: login });
    h.assignUser('00uEncoded', 'editor');
    expect(await h.connector().findUser(login)).toMatchObject({ externalId: '00uEncoded', member: { userName: login, roles: ['editor'] } });
    expect(fake.requests.some((r) => r.route === 'user' && r.url === `/api/v1/users/${encodeURIComponent(login)}`)).toBe(true);
  });
});

describe('okta connector: credentials and permissions', () => {
  it('uses an OAuth service app with a private-key JWT, and fetches a new token after a 401', async () => {
    fake.auth.registerServiceApp({ clientId: '0oaServiceApp', publicKey, keyId: 'kid-1' });
    const [id] = addAssigned(2);
    const connector = h.connector({ settings: privateKeyAuth() });
    expect(await drain(await connector.fetchSnapshot())).toHaveLength(2);
    expect(fake.auth.tokenRequests).toBe(1);
    expect(fake.requests.filter((r) => r.route !== 'token').every((r) => r.authScheme === 'Bearer')).toBe(true);
    fake.auth.expireAccessTokens();
    expect(await connector.fetchOne(id!)).toMatchObject({ externalId: id });
    expect(fake.auth.tokenRequests).toBe(2);
  });

  it('reads the private key from privateKeyPath', async () => {
    fake.auth.registerServiceApp({ clientId: '0oaServiceApp', publicKey, keyId: 'kid-1' });
    addAssigned(1);
    const path = join(mkdtempSync(join(tmpdir(), 'okta-key-')), 'key.pem');
    writeFileSync(path, privateKey);
    const connector = h.connector({ settings: { auth: { type: 'privateKey', clientId: '0oaServiceApp', keyId: 'kid-1', privateKeyPath: path } as never } });
    expect((await connector.testConnection()).sample).toHaveLength(1);
  });

  it('names the service app settings when the key does not match', async () => {
    const other = generateKeyPairSync('rsa', { modulusLength: 2048, publicKeyEncoding: { type: 'spki', format: 'pem' }, privateKeyEncoding: { type: 'pkcs8', format: 'pem' } });
    fake.auth.registerServiceApp({ clientId: '0oaServiceApp', publicKey: other.publicKey, keyId: 'kid-1' });
    const error = await failure(() => h.connector({ settings: privateKeyAuth() }).fetchSnapshot());
    expect(error.reason).toBe('credentials');
    expect(error.message).toMatch(/settings\.auth\.clientId.*settings\.auth\.privateKey/);
  });

  it('says which scope to grant when the service app lacks one', async () => {
    fake.auth.registerServiceApp({ clientId: '0oaServiceApp', publicKey, keyId: 'kid-1', grantedScopes: ['okta.apps.read', 'okta.users.read', 'okta.groups.read'] });
    const error = await failure(() => h.connector({ settings: privateKeyAuth() }).fetchSnapshot());
    expect(error.reason).toBe('permissions');
    expect(error.message).toMatch(/okta\.logs\.read/);
  });

  it('names the API token setting and the org on a 401', async () => {
    const error = await failure(() => h.connector({ badCredentials: true }).testConnection());
    expect(error.message).toContain(fake.origin);
    expect(error.message).toMatch(/E0000011.*settings\.auth\.apiToken/);
  });

  it('a token without System Log access still snapshots, and fetchChanges names okta.logs.read', async () => {
    fake.auth.addApiToken('no-logs', ['okta.apps.read', 'okta.users.read', 'okta.groups.read']);
    addAssigned(1);
    const connector = h.connector({ settings: { auth: { type: 'apiToken', apiToken: 'no-logs' } } });
    const snapshot = await connector.fetchSnapshot();
    expect(await drain(snapshot)).toHaveLength(1);
    expect(snapshot.cursor).toBeNull();
    const error = await failure(() => connector.fetchChanges(new Date().toISOString()));
    expect(error.reason).toBe('permissions');
    expect(error.message).toMatch(/System Log.*okta\.logs\.read/);
  });

  it('names settings.appId when the app does not exist', async () => {
    const error = await failure(() => h.connector({ settings: { appId: '0oaNoSuchApp' } }).fetchSnapshot());
    expect(error.reason).toBe('not_found');
    expect(error.message).toMatch(/0oaNoSuchApp.*settings\.appId/);
    expect((await failure(() => h.connector({ settings: { appId: '0oaNoSuchApp' } }).fetchOne('00u1'))).reason).toBe('not_found');
  });
});

describe('okta connector: groups', () => {
  it('includes members of assigned groups that Okta does not list as app users yet', async () => {
    h.addUser({ id: '00uLate', userName: 'late@example.test', profile: { department: 'R&D' } });
    h.addGroup('00gEng', 'Engineering', ['00uLate']);
    h.assignGroup('00gEng', 'editor');
    dir().materializeGroupAssignments = false;
    const connector = h.connector({ mapping: { attributes: { department: 'department' } } });
    const [member] = await drain(await connector.fetchSnapshot());
    expect(member).toMatchObject({ externalId: '00uLate', userName: 'late@example.test', roles: ['editor'], attributes: { department: 'R&D' } });
    expect(member!.grants).toEqual([{ via: 'group', groupId: '00gEng', groupName: 'Engineering', appRole: 'editor' }]);
    expect(await connector.fetchOne('00uLate')).toMatchObject({ roles: ['editor'] });
  });

  it('streams the app users but marks the snapshot incomplete when a group cannot be expanded', async () => {
    addAssigned(2);
    h.addGroup('00gBig', 'Big', []);
    h.assignGroup('00gBig', 'viewer');
    fake.faults.add({ status: 503, count: 1, routes: ['groupUsers'] });
    const snapshot = await h.connector().fetchSnapshot();
    expect(await drain(snapshot)).toHaveLength(2);
    expect(snapshot.complete).toBe(false);
    expect(snapshot.problems[0]).toMatch(/group assignments/);
  });

  it('without group expansion, group-scoped users still come with the group role', async () => {
    h.addUser({ id: '00uG', userName: 'g@example.test' });
    h.addGroup('00gA', 'A', ['00uG']);
    h.assignGroup('00gA', 'admin');
    const [member] = await drain(await h.connector({ settings: { groupAssignments: false } }).fetchSnapshot());
    expect(member).toMatchObject({ roles: ['admin'], grants: [{ via: 'group', appRole: 'admin' }] });
    expect(fake.countRequests('groupUsers')).toBe(0);
  });
});

describe('okta connector: System Log changes', () => {
  it('sees unassignments, group membership and group-assignment changes, keyed by the User target', async () => {
    const ids = addAssigned(2);
    h.addUser({ id: '00uMember', userName: 'm@example.test' });
    h.addGroup('00gTeam', 'Team', []);
    h.assignGroup('00gTeam', 'editor');
    const connector = h.connector();
    const cursor = await synced(connector);
    h.unassignUser(ids[0]!);
    dir().addGroupMember('00gTeam', '00uMember');
    const changes = await drainChanges(await connector.fetchChanges(cursor));
    expect(changes).toEqual(
      expect.arrayContaining([
        { externalId: ids[0], removed: true, reason: 'unassigned' },
        expect.objectContaining({ externalId: '00uMember', roles: ['editor'] }),
      ]),
    );
    expect(changes.every((c) => c.externalId.startsWith('00u'))).toBe(true);

    const cursor2 = await synced(connector);
    dir().unassignGroup('00gTeam');
    expect(await drainChanges(await connector.fetchChanges(cursor2))).toEqual([{ externalId: '00uMember', removed: true, reason: 'unassigned' }]);
  });

  it('persists the next link on the org, and accepts an ISO time as a cursor', async () => {
    const [id] = addAssigned(1);
    const connector = h.connector();
    const cursor = await synced(connector);
    expect(cursor.startsWith(`${fake.origin}/api/v1/logs?`)).toBe(true);
    h.updateUser(id!, { familyName: 'New' });
    const set = await connector.fetchChanges(new Date(Date.now() - 5_000).toISOString());
    expect(await drainChanges(set)).toEqual([expect.objectContaining({ externalId: id, familyName: 'New' })]);
    expect(set.cursor!.startsWith(`${fake.origin}/api/v1/logs?`)).toBe(true);
    expect(fake.requests.some((r) => r.route === 'logs' && /since=\d{4}-\d\d-\d\dT/.test(decodeURIComponent(r.url)))).toBe(true);
  });

  it('asks for a full snapshot for a foreign or expired cursor', async () => {
    const connector = h.connector();
    const foreign = await connector.fetchChanges('https://evil.example/api/v1/logs?after=abc');
    expect(foreign).toMatchObject({ resyncRequired: true, cursor: null });
    expect(fake.requestCount).toBe(0);
    const old = await connector.fetchChanges(new Date(Date.now() - 200 * 86_400_000).toISOString());
    expect(old).toMatchObject({ resyncRequired: true, cursor: null });
    expect(old.problems[0]).toMatch(/180 days/);
  });

  it('reads at most maxLogPages per cycle and continues from there', async () => {
    const ids = addAssigned(6);
    const connector = h.connector({ settings: { maxLogPages: 1 } });
    let cursor = await synced(connector);
    for (const id of ids) h.updateUser(id, { givenName: 'Y' });
    fake.pageSizeCap = 2;
    const seen = new Set<string>();
    for (let cycle = 0; cycle < 10 && seen.size < 6; cycle++) {
      const set = await connector.fetchChanges(cursor);
      for (const c of await drainChanges(set)) seen.add(c.externalId);
      cursor = set.cursor!;
    }
    expect(seen.size).toBe(6);
  });

  it('hands back the starting cursor when the System Log fails part-way', async () => {
    const ids = addAssigned(4);
    h.addGroup('00gLogs', 'Logs', []);
    h.assignGroup('00gLogs', 'editor');
    const connector = h.connector();
    const cursor = await synced(connector);
    dir().addGroupMember('00gLogs', ids[0]!);
    for (const id of ids) h.updateUser(id, { givenName: 'W' });
    fake.pageSizeCap = 2;
    fake.faults.add({ status: 500, count: 1, afterRequests: 1, routes: ['logs'] });
    const failed = await connector.fetchChanges(cursor);
    await drainChanges(failed);
    expect(failed.complete).toBe(false);
    expect(failed.cursor).toBe(cursor);
    const retry = await connector.fetchChanges(failed.cursor!);
    const changes = await drainChanges(retry);
    expect(changes).toHaveLength(4);
    expect(changes.find((c) => c.externalId === ids[0])).toMatchObject({ roles: ['editor'] });
  });

  it('hands back the starting cursor when a re-read fails, so nothing is lost', async () => {
    const [id] = addAssigned(1);
    const connector = h.connector();
    const cursor = await synced(connector);
    h.updateUser(id!, { givenName: 'Z' });
    fake.faults.add({ status: 500, count: 1, routes: ['appUser'] });
    const failed = await connector.fetchChanges(cursor);
    expect(await drainChanges(failed)).toEqual([]);
    expect(failed.complete).toBe(false);
    expect(failed.cursor).toBe(cursor);
    const retry = await connector.fetchChanges(failed.cursor!);
    expect(await drainChanges(retry)).toEqual([expect.objectContaining({ givenName: 'Z' })]);
    expect(retry.cursor).not.toBe(cursor);
  });
});
