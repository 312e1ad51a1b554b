import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { StatementCounter } from '../../support/statement-counter.js';
import { GROUP_SCHEMA, patchOp, scimClient, startTestGateway, type TestGateway } from '../../support/test-gateway.js';
import { DIALECTS } from '../../support/test-store.js';
import { seedMembers, type Scim } from './scim-kit.js';

const MEMBERS = 10_000;
/** Far below one statement per member: reads, checks and writes of a whole request, in batches. */
const STATEMENT_BUDGET = 100;

/**
 * "A PATCH that adds or removes 10,000 members in one request without a round trip per member". Every
 * statement the server runs goes through the counter (the test gateway puts it on the store and on each write
 * transaction), so a per-member query anywhere on the path shows as thousands.
 */
describe.each(DIALECTS)('the cost of a 10,000-member group PATCH on %s', (dialect) => {
  let gw: TestGateway;
  let scim: Scim;
  let members: string[];
  const statements = new StatementCounter();
  const memberRows = (groupId: string) => gw.db.store.db.selectFrom('group_member').select('membership_id').where('group_id', '=', groupId).execute();

  beforeAll(async () => {
    gw = await startTestGateway(dialect, {}, { plugins: [statements] });
    const ws = await gw.workspace({ id: 'acme', version: 'v2' });
    scim = scimClient(gw.app, ws.base, ws.token);
    // Straight into the store, not counted: the members are the setting, not the subject.
    members = await seedMembers(gw.db.store.db, 'acme', MEMBERS, 'cost');
  });
  afterAll(() => gw.close());

  it('adds 10,000 members in a bounded number of statements', async () => {
    const created = await scim.post('/Groups', { schemas: [GROUP_SCHEMA], displayName: 'Everyone', members: [] });
    expect(created.status).toBe(201);
    statements.count = 0;
    const added = await scim.patch(`/Groups/${created.body.id}`, patchOp({ op: 'Add', path: 'members', value: members.map((value) => ({ $ref: null, value })) }));
    expect(added.status, JSON.stringify(added.body)).toBe(204);
    const used = statements.count;
    expect(used).toBeGreaterThan(0);
    expect(used).toBeLessThan(STATEMENT_BUDGET);
    const rows = new Set((await memberRows(created.body.id)).map((r) => r.membership_id));
    expect(rows.size).toBe(MEMBERS);
    expect(members.every((id) => rows.has(id))).toBe(true);
  });

  it('removes 10,000 members, in both Entra styles, in a bounded number of statements', async () => {
    const created = await scim.post('/Groups', { schemas: [GROUP_SCHEMA], displayName: 'Leaving', members: members.map((value) => ({ value })) });
    expect(created.status).toBe(201);
    expect((await memberRows(created.body.id)).length).toBe(MEMBERS);
    statements.count = 0;
    const half = MEMBERS / 2;
    // Without the flag: one op with a value array. With aadOptscim062020: one op per member, by filter.
    const listed = { op: 'Remove', path: 'members', value: members.slice(0, half).map((value) => ({ value })) };
    const filtered = members.slice(half).map((value) => ({ op: 'remove', path: `members[value eq "${value}"]` }));
    const removed = await scim.patch(`/Groups/${created.body.id}`, patchOp(listed, ...filtered));
    expect(removed.status, JSON.stringify(removed.body)).toBe(204);
    expect(statements.count).toBeLessThan(STATEMENT_BUDGET);
    expect(await memberRows(created.body.id)).toEqual([]);
  });

  it('refuses one member value over scim.budgets.groupMembers, and a members filter that would test every member, before reading the group', async () => {
    const created = await scim.post('/Groups', { schemas: [GROUP_SCHEMA], displayName: 'Bounded', members: members.slice(0, 10).map((value) => ({ value })) });
    expect(created.status).toBe(201);
    statements.count = 0;
    const over = await scim.patch(`/Groups/${created.body.id}`, patchOp({ op: 'add', path: 'members', value: [...members, 'one-more'].map((value) => ({ value })) }));
    expect(over.status, JSON.stringify(over.body)).toBe(400);
    expect(over.body.detail).toContain('scim.budgets.groupMembers');
    const substring = await scim.patch(`/Groups/${created.body.id}`, patchOp(...Array.from({ length: 1_000 }, (_, i) => ({ op: 'remove', path: `members[value co "${i}"]` }))));
    expect(substring.status, JSON.stringify(substring.body)).toBe(400);
    expect(substring.body.scimType).toBe('invalidFilter');
    // Only the API key's lookups: neither request read the group or its members.
    expect(statements.count).toBeLessThan(10);
    expect((await memberRows(created.body.id)).length).toBe(10);
  });
});
