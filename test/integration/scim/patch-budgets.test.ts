import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GROUP_SCHEMA, patchOp, scimClient, startTestGateway, type TestGateway } from '../../support/test-gateway.js';
import { DIALECTS } from '../../support/test-store.js';
import { isScimError, userBody, type Scim, type ScimResponse } from './scim-kit.js';

/** Small budgets, so that each boundary is a handful of operations. */
const PATCH_OPERATIONS = 40;
const GROUP_MEMBERS = 4;

function expectError(response: ScimResponse, status: number, scimType: string, detail?: string): void {
  expect(response.status, JSON.stringify(response.body)).toBe(status);
  expect(isScimError(response.body, status), JSON.stringify(response.body)).toBe(true);
  expect(response.body.scimType).toBe(scimType);
  if (detail !== undefined) expect(response.body.detail).toContain(detail);
}

/** PATCH and group membership budgets (`scim.budgets.patchOperations`, `groupMembers`), unknown ops, and `remove active`. */
describe.each(DIALECTS)('PATCH budgets and semantics on %s', (dialect) => {
  let gw: TestGateway;
  let scim: Scim;
  let users: string[];
  const db = () => gw.db.store.db;
  const memberIds = async (groupId: string) =>
    (await db().selectFrom('group_member').select('membership_id').where('group_id', '=', groupId).execute()).map((r) => r.membership_id).sort();
  const version = async (table: 'membership' | 'scim_group', id: string) => Number((await db().selectFrom(table).select('version').where('id', '=', id).executeTakeFirstOrThrow()).version);
  const members = (ids: string[]) => ids.map((value) => ({ value }));
  const newGroup = async (name: string, ids: string[] = []) => {
    const created = await scim.post('/Groups', { schemas: [GROUP_SCHEMA], displayName: name, members: members(ids) });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    return created.body.id as string;
  };

  beforeAll(async () => {
    gw = await startTestGateway(dialect, { scim: { budgets: { patchOperations: PATCH_OPERATIONS, groupMembers: GROUP_MEMBERS } } });
    const ws = await gw.workspace({ id: 'acme', version: 'v2' });
    scim = scimClient(gw.app, ws.base, ws.token);
    users = [];
    for (let i = 0; i < GROUP_MEMBERS + 3; i++) users.push((await scim.post('/Users', userBody(`u${i}@example.com`))).body.id);
  });
  afterAll(() => gw.close());

  describe('scim.budgets.patchOperations', () => {
    const titles = (n: number) => Array.from({ length: n }, (_, i) => ({ op: 'replace', path: 'title', value: `T${i}` }));

    it('takes a PATCH with exactly that many operations', async () => {
      const patched = await scim.patch(`/Users/${users[0]}`, patchOp(...titles(PATCH_OPERATIONS)));
      expect(patched.status, JSON.stringify(patched.body)).toBe(200);
      expect(patched.body.title).toBe(`T${PATCH_OPERATIONS - 1}`);
    });

    it('refuses one more with 400 invalidValue naming the budget, and changes nothing', async () => {
      const before = await version('membership', users[0]!);
      expectError(await scim.patch(`/Users/${users[0]}`, patchOp(...titles(PATCH_OPERATIONS + 1))), 400, 'invalidValue', 'scim.budgets.patchOperations');
      const group = await newGroup('Ops');
      expectError(await scim.patch(`/Groups/${group}`, patchOp(...titles(PATCH_OPERATIONS + 1).map((o) => ({ ...o, path: 'displayName' })))), 400, 'invalidValue', 'scim.budgets.patchOperations');
      expect(await version('membership', users[0]!)).toBe(before);
      expect((await scim.get(`/Groups/${group}`)).body.displayName).toBe('Ops');
    });
  });

  describe('scim.budgets.groupMembers', () => {
    it('takes exactly that many member values in a PATCH, summed over its operations', async () => {
      const group = await newGroup('Exact');
      const added = await scim.patch(`/Groups/${group}`, patchOp({ op: 'add', path: 'members', value: members(users.slice(0, 2)) }, { op: 'Add', path: 'members', value: members(users.slice(2, GROUP_MEMBERS)) }));
      expect(added.status, JSON.stringify(added.body)).toBe(204);
      expect(await memberIds(group)).toEqual(users.slice(0, GROUP_MEMBERS).sort());
    });

    it('refuses one more member value with 400 invalidValue naming the budget, and changes nothing', async () => {
      const group = await newGroup('Over', users.slice(0, 1));
      const before = await version('scim_group', group);
      const over = patchOp(
        { op: 'add', path: 'members', value: members(users.slice(1, GROUP_MEMBERS)) },
        { op: 'remove', path: `members[value eq "${users[0]}"]` },
        { op: 'add', path: 'members', value: members(users.slice(GROUP_MEMBERS, GROUP_MEMBERS + 1)) },
      );
      expectError(await scim.patch(`/Groups/${group}`, over), 400, 'invalidValue', 'scim.budgets.groupMembers');
      // Entra's removal with a value list counts each member it lists.
      expectError(await scim.patch(`/Groups/${group}`, patchOp({ op: 'Remove', path: 'members', value: members(users.slice(0, GROUP_MEMBERS + 1)) })), 400, 'invalidValue', 'scim.budgets.groupMembers');
      expect(await memberIds(group)).toEqual([users[0]]);
      expect(await version('scim_group', group)).toBe(before);
    });

    it('bounds the members of a POST and a PUT the same way', async () => {
      expectError(await scim.post('/Groups', { schemas: [GROUP_SCHEMA], displayName: 'Big', members: members(users.slice(0, GROUP_MEMBERS + 1)) }), 400, 'invalidValue', 'scim.budgets.groupMembers');
      expect((await scim.get(`/Groups?filter=${encodeURIComponent('displayName eq "Big"')}`)).body.totalResults).toBe(0);
      const group = await newGroup('Put', users.slice(0, GROUP_MEMBERS));
      const put = (ids: string[]) => scim.put(`/Groups/${group}`, { schemas: [GROUP_SCHEMA], displayName: 'Put', members: members(ids) });
      expectError(await put(users.slice(0, GROUP_MEMBERS + 1)), 400, 'invalidValue', 'scim.budgets.groupMembers');
      expect(await memberIds(group)).toEqual(users.slice(0, GROUP_MEMBERS).sort());
      expect((await put(users.slice(1, GROUP_MEMBERS + 1))).status).toBe(200);
    });

    it('counts what a replace changes: every member it drops and adds', async () => {
      const group = await newGroup('Swap', users.slice(0, 3));
      expectError(await scim.patch(`/Groups/${group}`, patchOp({ op: 'replace', path: 'members', value: members(users.slice(3, 5)) })), 400, 'invalidValue', 'scim.budgets.groupMembers');
      expect(await memberIds(group)).toEqual(users.slice(0, 3).sort());
      expect((await scim.patch(`/Groups/${group}`, patchOp({ op: 'replace', path: 'members', value: members(users.slice(1, 4)) }))).status).toBe(204);
      expect(await memberIds(group)).toEqual(users.slice(1, 4).sort());
    });
  });

  describe('members filters', () => {
    it('refuses a filter other than by id with 400 invalidFilter, and changes nothing', async () => {
      const group = await newGroup('Filters', users.slice(0, 2));
      for (const path of ['members[value co "a"]', 'members[value sw "0"]', 'members[display eq "x"]']) {
        expectError(await scim.patch(`/Groups/${group}`, patchOp({ op: 'add', path: 'members', value: members(users.slice(2, 3)) }, { op: 'remove', path })), 400, 'invalidFilter', 'members[value eq "<user id>"]');
      }
      expect(await memberIds(group)).toEqual(users.slice(0, 2).sort());
      const removed = await scim.patch(`/Groups/${group}`, patchOp({ op: 'remove', path: `members[value eq "${users[0]}" or value eq "${users[1]}"]` }));
      expect(removed.status, JSON.stringify(removed.body)).toBe(204);
      expect(await memberIds(group)).toEqual([]);
    });
  });

  describe('unknown operations', () => {
    it.each([
      [{ op: 'bogus', path: 'title', value: 'x' }],
      [{ op: 'bogus', path: 'password', value: 'secret' }],
      [{ op: 'bogus', value: { id: 'x' } }],
      [{ op: 'bogus' }],
      [{ op: 42, path: 'title', value: 'x' }],
    ])('refuses %j with 400 invalidSyntax naming the allowed ops, and changes nothing', async (bogus) => {
      const before = await version('membership', users[1]!);
      const response = await scim.patch(`/Users/${users[1]}`, patchOp({ op: 'replace', path: 'title', value: 'Changed' }, bogus));
      expectError(response, 400, 'invalidSyntax', '"add", "remove" or "replace"');
      expect(response.body.detail).not.toContain('secret');
      expect(await version('membership', users[1]!)).toBe(before);
      expect((await scim.get(`/Users/${users[1]}`)).body.title).toBeUndefined();
    });

    it("keeps the dialects' quirks: capitalised ops, and Okta's password sync dropped on purpose", async () => {
      const entra = await scim.patch(`/Users/${users[1]}`, patchOp({ op: 'Replace', path: 'title', value: 'Entra' }, { op: 'ADD', path: 'nickName', value: 'N' }));
      expect(entra.status, JSON.stringify(entra.body)).toBe(200);
      expect(entra.body).toMatchObject({ title: 'Entra', nickName: 'N' });
      const okta = await scim.patch(`/Users/${users[1]}`, patchOp({ op: 'replace', path: 'password', value: 'secret' }));
      expect(okta.status, JSON.stringify(okta.body)).toBe(200);
      expect(JSON.stringify(okta.body)).not.toContain('secret');
    });
  });

  describe('remove active', () => {
    it('deactivates an active member: an unassigned active is not active', async () => {
      const removed = await scim.patch(`/Users/${users[2]}`, patchOp({ op: 'remove', path: 'active' }));
      expect(removed.status, JSON.stringify(removed.body)).toBe(200);
      expect(removed.body.active).toBe(false);
      expect((await scim.get(`/Users/${users[2]}`)).body.active).toBe(false);
    });

    it('keeps a suspended member suspended, whether active is removed or replaced with null', async () => {
      expect((await scim.patch(`/Users/${users[3]}`, patchOp({ op: 'replace', path: 'active', value: false }))).body.active).toBe(false);
      expect((await scim.patch(`/Users/${users[3]}`, patchOp({ op: 'remove', path: 'active' }))).body.active).toBe(false);
      expect((await scim.patch(`/Users/${users[3]}`, patchOp({ op: 'replace', value: { active: null } }))).body.active).toBe(false);
      expect((await scim.get(`/Users/${users[3]}`)).body.active).toBe(false);
      expect((await scim.patch(`/Users/${users[3]}`, patchOp({ op: 'replace', path: 'active', value: true }))).body.active).toBe(true);
    });
  });

  describe('value paths', () => {
    it('applies many value-path operations on one attribute in order', async () => {
      const adds = Array.from({ length: 20 }, (_, i) => ({ op: 'add', path: 'emails', value: [{ value: `e${i}@example.com`, type: 'other' }] }));
      const edits = Array.from({ length: 10 }, (_, i) => ({ op: 'replace', path: `emails[value eq "E${2 * i}@example.com"].type`, value: 'home' }));
      const ops = [{ op: 'remove', path: 'emails' }, ...adds, ...edits, { op: 'remove', path: 'emails[type eq "other"]' }];
      expect(ops.length).toBeLessThanOrEqual(PATCH_OPERATIONS);
      const response = await scim.patch(`/Users/${users[4]}`, patchOp(...ops));
      expect(response.status, JSON.stringify(response.body)).toBe(200);
      expect(response.body.emails.map((e: { value: string }) => e.value)).toEqual(Array.from({ length: 10 }, (_, i) => `e${2 * i}@example.com`));
      expect(response.body.emails.every((e: { type: string }) => e.type === 'home')).toBe(true);
    });
  });
});
