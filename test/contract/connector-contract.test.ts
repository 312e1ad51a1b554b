import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ConnectorError } from '../../src/connector/connector-error.js';
import type { ConnectorHarness } from './connector-harness.js';
import { entraHarness } from './entra-harness.js';
import { OktaHarness } from './okta-harness.js';
import { drain, drainChanges } from './read-all.js';

/**
 * The contract every pull connector meets, run against each IdP's fake with the real SDK client.
 * Written against ConnectorHarness only: nothing here knows which IdP it talks to.
 */

const byId = <T extends { externalId: string }>(items: T[]) => new Map(items.map((m) => [m.externalId, m]));

describe.each<ConnectorHarness>([entraHarness(), new OktaHarness()])('$kind connector contract', (h) => {
  beforeAll(() => h.start());
  afterAll(() => h.stop());
  beforeEach(() => h.reset());

  /** n users u-000… assigned directly with `role`. */
  const addAssigned = (n: number, role: string | null = 'viewer'): string[] => {
    const ids: string[] = [];
    for (let i = 0; i < n; i++) {
      const id = `u-${String(i).padStart(3, '0')}`;
      h.addUser({ id, userName: `user${i}@example.test`, givenName: `Given${i}`, familyName: `Family${i}`, email: `user${i}@example.test` });
      h.assignUser(id, role);
      ids.push(id);
    }
    return ids;
  };

  it('reads every assigned member across several pages', async () => {
    const ids = addAssigned(7);
    h.addUser({ id: 'u-unassigned', userName: 'nobody@example.test' });
    h.setPageSize(2);
    const before = h.requestCount();
    const snapshot = await h.connector().fetchSnapshot();
    const members = await drain(snapshot);
    expect(snapshot.complete).toBe(true);
    expect(snapshot.problems).toEqual([]);
    expect(members.map((m) => m.externalId).sort()).toEqual(ids);
    // Seven assignments at two per page are at least four list requests.
    expect(h.requestCount() - before).toBeGreaterThanOrEqual(4);
    expect(byId(members).get('u-000')).toMatchObject({ userName: 'user0@example.test', givenName: 'Given0', familyName: 'Family0', active: true, roles: ['viewer'] });
    expect(byId(members).get('u-000')!.emails[0]).toMatchObject({ value: 'user0@example.test' });
  });

  it('includes group-derived assignments and names the group', async () => {
    addAssigned(1, 'admin');
    h.addUser({ id: 'g-member', userName: 'gm@example.test' });
    h.addGroup('grp-sales', 'Sales', ['g-member', 'u-000']);
    h.assignGroup('grp-sales', 'editor');
    const snapshot = await h.connector({ mapping: { roles: 'all' } }).fetchSnapshot();
    const members = byId(await drain(snapshot));
    expect(snapshot.complete).toBe(true);
    expect(members.size).toBe(2);
    expect(members.get('g-member')).toMatchObject({ roles: ['editor'], grants: [{ via: 'group', groupId: 'grp-sales', groupName: 'Sales', appRole: 'editor' }] });
    expect(members.get('u-000')!.grants).toEqual(
      expect.arrayContaining([expect.objectContaining({ via: 'direct', appRole: 'admin' }), expect.objectContaining({ via: 'group', groupId: 'grp-sales' })]),
    );
  });

  it('resolves several roles by precedence (single) or keeps them all', async () => {
    addAssigned(1, 'viewer');
    h.assignUser('u-000', 'admin');
    const single = (await drain(await h.connector().fetchSnapshot()))[0]!;
    expect(single.roles).toEqual(['admin']);
    const all = (await drain(await h.connector({ mapping: { roles: 'all' } }).fetchSnapshot()))[0]!;
    expect([...all.roles].sort()).toEqual(['admin', 'viewer']);
    const viewerFirst = (await drain(await h.connector({ mapping: { rolePrecedence: ['viewer', 'editor', 'admin'] } }).fetchSnapshot()))[0]!;
    expect(viewerFirst.roles).toEqual(['viewer']);
  });

  it('maps attributes, including a source attribute to creditLimit', async () => {
    h.addUser({ id: 'u-credit', userName: 'c@example.test', givenName: 'Cred', familyName: 'It', email: 'c@example.test', profile: { [h.creditLimitSource]: 2500, [h.departmentSource]: 'Sales' } });
    h.addUser({ id: 'u-nocredit', userName: 'n@example.test', profile: { [h.creditLimitSource]: 'lots' } });
    h.assignUser('u-credit', 'editor');
    h.assignUser('u-nocredit', 'viewer');
    const connector = h.connector({ mapping: { creditLimit: h.creditLimitSource, attributes: { department: h.departmentSource } } });
    const members = byId(await drain(await connector.fetchSnapshot()));
    expect(members.get('u-credit')).toMatchObject({
      externalId: 'u-credit',
      userName: 'c@example.test',
      givenName: 'Cred',
      familyName: 'It',
      creditLimit: 2500,
      attributes: { department: 'Sales' },
      roles: ['editor'],
    });
    // A value that is not a whole number maps to no limit rather than failing the member.
    expect(members.get('u-nocredit')).toMatchObject({ creditLimit: null, attributes: { department: null } });
  });

  it('recovers from a 429 in the middle of paging, the retried requests still under the read signal', async () => {
    addAssigned(5);
    h.setPageSize(2);
    h.injectFault({ status: 429, count: 2, afterRequests: 1 });
    const snapshot = await h.connector().fetchSnapshot({ signal: new AbortController().signal });
    expect(await drain(snapshot)).toHaveLength(5);
    expect(snapshot.complete).toBe(true);
  });

  it('marks the snapshot incomplete when a 500 stops paging', async () => {
    addAssigned(5);
    h.setPageSize(2);
    h.injectFault({ status: 500, count: 20, afterRequests: 1 });
    const snapshot = await h.connector().fetchSnapshot();
    const members = await drain(snapshot);
    expect(members.length).toBeLessThan(5);
    expect(snapshot.complete).toBe(false);
    expect(snapshot.problems.join(' ')).toMatch(/500/);
  });

  it('sees an update, a soft delete, a hard delete and an unassignment in a delta cycle', async () => {
    addAssigned(5);
    const connector = h.connector({ mapping: { attributes: { department: h.departmentSource } } });
    const snapshot = await connector.fetchSnapshot();
    await drain(snapshot);
    expect(snapshot.complete).toBe(true);
    expect(snapshot.cursor).not.toBeNull();

    h.updateUser('u-000', { givenName: 'Renamed', profile: { [h.departmentSource]: 'Ops' } });
    h.deactivateUser('u-001');
    h.deleteUser('u-002');
    h.unassignUser('u-004');
    const delta = await connector.fetchChanges(snapshot.cursor!);
    const changes = await drainChanges(delta);
    expect(delta.complete).toBe(true);
    expect(delta.resyncRequired).toBe(false);
    const seen = byId(changes);
    expect(seen.get('u-000')).toMatchObject({ givenName: 'Renamed', active: true, attributes: { department: 'Ops' } });
    expect(seen.get('u-001')).toMatchObject({ active: false });
    expect(seen.get('u-002')).toMatchObject({ removed: true });
    expect(seen.get('u-004')).toMatchObject({ removed: true, reason: 'unassigned' });
    expect(seen.has('u-003')).toBe(false);
    expect(delta.cursor).not.toBeNull();

    // Nothing changed since: an empty round, and still a cursor to continue from.
    const still = await connector.fetchChanges(delta.cursor!);
    expect(await drainChanges(still)).toEqual([]);
    expect(still.complete).toBe(true);
    expect(still.cursor).not.toBeNull();
  });

  it('sees a new assignment in a delta cycle', async () => {
    addAssigned(2);
    h.addUser({ id: 'u-late', userName: 'late@example.test' });
    const connector = h.connector();
    const snapshot = await connector.fetchSnapshot();
    await drain(snapshot);
    h.assignUser('u-late', 'editor');
    const delta = await connector.fetchChanges(snapshot.cursor!);
    const seen = byId(await drainChanges(delta));
    expect(delta.complete).toBe(true);
    expect(seen.get('u-late')).toMatchObject({ userName: 'late@example.test', roles: ['editor'] });
  });

  it('fails with a clear, catalogued error on bad credentials', async () => {
    addAssigned(1);
    const attempt = (async () => drain(await h.connector({ badCredentials: true }).fetchSnapshot()))();
    const error = (await attempt.then(
      () => null,
      (e: unknown) => e,
    )) as ConnectorError;
    expect(error).toBeInstanceOf(ConnectorError);
    expect(error.code).toBe('ROSTERD_E_CONNECTOR');
    expect(error.reason).toBe('credentials');
    expect(error.message).toMatch(new RegExp(`^${h.kind}`));
    expect(error.message).toMatch(/check /);
    await expect(h.connector({ badCredentials: true }).testConnection()).rejects.toBeInstanceOf(ConnectorError);
  });

  /** Two users assigned directly (editor), one assigned through a group (admin) and one not assigned at all. */
  function addDirectAssignedGroupedAndFree(): void {
    addAssigned(2, 'editor');
    h.addUser({ id: 'u-free', userName: 'free@example.test' });
    h.addUser({ id: 'g-only', userName: 'grouped@example.test' });
    h.addGroup('grp-ops', 'Ops', ['g-only']);
    h.assignGroup('grp-ops', 'admin');
  }

  it('reads one member on demand, null when not assigned or unknown', async () => {
    addDirectAssignedGroupedAndFree();
    const connector = h.connector();
    expect(await connector.fetchOne('u-001')).toMatchObject({ externalId: 'u-001', userName: 'user1@example.test', roles: ['editor'] });
    expect(await connector.fetchOne('g-only')).toMatchObject({ externalId: 'g-only', roles: ['admin'], grants: [expect.objectContaining({ via: 'group', groupId: 'grp-ops' })] });
    expect(await connector.fetchOne('u-free')).toBeNull();
    expect(await connector.fetchOne('u-nobody')).toBeNull();
  });

  it('finds a user by userName: an assigned one with its member, an unassigned one without, an unknown one not at all', async () => {
    addDirectAssignedGroupedAndFree();
    const connector = h.connector();
    expect(await connector.findUser('user1@example.test')).toEqual({
      externalId: 'u-001',
      member: expect.objectContaining({ externalId: 'u-001', userName: 'user1@example.test', roles: ['editor'] }),
    });
    // Both IdPs compare userNames (Entra userPrincipalName, Okta login) case-insensitively.
    expect((await connector.findUser('USER1@Example.TEST'))?.externalId).toBe('u-001');
    expect(await connector.findUser('grouped@example.test')).toMatchObject({
      externalId: 'g-only',
      member: { roles: ['admin'], grants: [expect.objectContaining({ via: 'group', groupId: 'grp-ops' })] },
    });
    expect(await connector.findUser('free@example.test')).toEqual({ externalId: 'u-free', member: null });
    expect(await connector.findUser('nobody@example.test')).toBeNull();
    // An IdP id is not a userName.
    expect(await connector.findUser('u-001')).toBeNull();
  });

  it('finds a userName that holds a single quote', async () => {
    h.addUser({ id: 'u-quote', userName: "o'brien@example.test", email: "o'brien@example.test" });
    h.assignUser('u-quote', 'viewer');
    h.addUser({ id: 'u-other', userName: 'obrien@example.test' });
    expect(await h.connector().findUser("o'brien@example.test")).toEqual({
      externalId: 'u-quote',
      member: expect.objectContaining({ userName: "o'brien@example.test", roles: ['viewer'] }),
    });
  });

  it('ends a read with an AbortError as soon as its signal aborts, while a request hangs', async () => {
    addAssigned(5);
    h.setPageSize(2);
    const hung = h.injectHang({ afterRequests: 1 });
    const controller = new AbortController();
    // A time limit far beyond the test's own: only the abort can end the hung request in time.
    const snapshot = await h.connector({ requestTimeoutMs: 120_000 }).fetchSnapshot({ signal: controller.signal });
    const read = drain(snapshot).then(
      () => null,
      (e: unknown) => e,
    );
    await hung;
    const abortedAt = Date.now();
    controller.abort();
    expect(await read).toMatchObject({ name: 'AbortError' });
    expect(Date.now() - abortedAt).toBeLessThan(10_000);
  });

  it('sends no request for a read whose signal has already aborted', async () => {
    addAssigned(1);
    const connector = h.connector();
    const signal = AbortSignal.abort();
    const before = h.requestCount();
    await expect(connector.findUser('user0@example.test', { signal })).rejects.toMatchObject({ name: 'AbortError' });
    await expect(connector.fetchOne('u-000', { signal })).rejects.toMatchObject({ name: 'AbortError' });
    await expect(connector.fetchSnapshot({ signal })).rejects.toMatchObject({ name: 'AbortError' });
    expect(h.requestCount()).toBe(before);
  });

  it('tests the connection by reading one page', async () => {
    addAssigned(3);
    const check = await h.connector().testConnection();
    expect(check.summary).toMatch(/3/);
    expect(check.sample.map((m) => m.externalId).sort()).toEqual(['u-000', 'u-001', 'u-002']);
  });
});
