import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createWorkspace } from '../../../src/admin/create-workspace.js';
import { emptyMemberFields, memberFieldsOf, type MemberFields } from '../../../src/model/member.js';
import { memberChange, memberRemoval } from '../../../src/reconcile/member-change.js';
import { PolicyRefused } from '../../../src/reconcile/policy-refused.js';
import { WriteConflict } from '../../../src/store/change-writer.js';
import { apply } from '../../../src/reconcile/apply.js';
import type { Kysely } from 'kysely';
import type { Workspace } from '../../../src/model/workspace.js';
import type { Database } from '../../../src/store/database.js';
import { findMemberById, findMemberByUserName } from '../../../src/store/member-repository.js';
import { readLog } from '../../../src/store/provisioning-log-repository.js';
import { findWorkspace } from '../../../src/store/workspace-repository.js';
import { DIALECTS, openTestStore, type TestStore } from '../../support/test-store.js';

const ctx = { actor: 'key:test', requestId: 'r1', now: () => new Date().toISOString() };
const failure = { operation: 'member.create', targetKind: 'member', targetId: null, targetKey: null };
const fields = (userName: string, extra: Partial<MemberFields> = {}): MemberFields => ({
  ...emptyMemberFields(userName),
  emails: [{ value: userName, primary: true }],
  seatType: 'builder',
  ...extra,
});

describe.each(DIALECTS)('the one write path on %s', (dialect) => {
  let db: TestStore;

  beforeAll(async () => {
    db = await openTestStore(dialect);
    await createWorkspace(db.store.db, { id: 'v1', version: 'v1', policy: { seats: { builder: 2 } }, now: ctx.now() });
  });
  afterAll(() => db.cleanup());

  const create = (...members: MemberFields[]) =>
    apply(db.store, 'v1', async (_trx, workspace) => ({ changes: members.map((m) => memberChange(workspace, null, m)), value: null }), { ...ctx, mode: 'whole', failure });

  it('applies a plan, bumps the workspace revision and logs every change with its fields', async () => {
    const before = (await findWorkspace(db.store.db, 'v1'))!.revision;
    const outcome = await create(fields('a@x.com'));
    expect(outcome.results.map((r) => r.status)).toEqual(['applied']);
    expect(outcome.plan.basis).toBe(before);
    expect((await findWorkspace(db.store.db, 'v1'))!.revision).toBe(before + 1);
    const [entry] = (await readLog(db.store.db, 'v1', { limit: 10 })).filter((e) => e.operation === 'member.create');
    expect(entry).toMatchObject({ actor: 'key:test', result: 'applied', targetKey: 'a@x.com', requestId: 'r1' });
    expect(entry!.after).toMatchObject({ userName: 'a@x.com', seatType: 'builder' });
  });

  it('refuses a whole plan when one change breaks the policy, writes nothing and logs the refusal', async () => {
    await expect(create(fields('b@x.com'), fields('c@x.com'))).rejects.toBeInstanceOf(PolicyRefused);
    expect(await findMemberByUserName(db.store.db, 'v1', 'b@x.com')).toBeUndefined();
    const refused = (await readLog(db.store.db, 'v1', { limit: 50 })).filter((e) => e.result === 'refused');
    expect(refused.at(-1)).toMatchObject({ errorStatus: 400, targetKey: 'c@x.com' });
    expect(refused.at(-1)!.errorDetail).toMatch(/no builder seats left/);
  });

  it('rolls back everything when the database refuses a change half-way', async () => {
    const outcome = apply(db.store, 'v1', async (_trx, workspace) => ({
      changes: [memberChange(workspace, null, fields('d@x.com', { seatType: 'pro' })), memberChange(workspace, null, fields('A@X.COM', { seatType: 'pro' }))],
      value: null,
    }), { ...ctx, mode: 'whole', failure });
    await expect(outcome).rejects.toBeInstanceOf(WriteConflict);
    expect(await findMemberByUserName(db.store.db, 'v1', 'd@x.com')).toBeUndefined();
  });

  it('removing a membership keeps the account; adding the person again gives a new membership id', async () => {
    const first = (await findMemberByUserName(db.store.db, 'v1', 'a@x.com'))!;
    await apply(db.store, 'v1', async () => ({ changes: [memberRemoval(first, 'test')], value: null }), { ...ctx, mode: 'whole', failure: { ...failure, operation: 'member.remove' } });
    expect(await findMemberById(db.store.db, 'v1', first.id)).toBeUndefined();
    const account = await db.store.db.selectFrom('account').selectAll().where('id', '=', first.accountId).executeTakeFirst();
    expect(account?.email).toBe('a@x.com');
    await create(fields('a@x.com'));
    const again = (await findMemberByUserName(db.store.db, 'v1', 'a@x.com'))!;
    expect(again.id).not.toBe(first.id);
    expect(again.accountId).toBe(first.accountId);
  });

  it('creates hundreds of members in one plan (full 200-row chunks and a remainder), every field in place', async () => {
    const many = Array.from({ length: 450 }, (_, i) => fields(`bulk${i}@x.com`, { seatType: 'pro', externalId: `ext-bulk-${i}`, title: `T${i}`, active: i % 3 !== 0 }));
    const outcome = await create(...many);
    expect(outcome.results.filter((r) => r.status === 'applied')).toHaveLength(450);
    for (const i of [0, 199, 200, 399, 400, 449]) {
      const member = (await findMemberByUserName(db.store.db, 'v1', `bulk${i}@x.com`))!;
      expect(member).toMatchObject({ externalId: `ext-bulk-${i}`, title: `T${i}`, seatType: 'pro', active: i % 3 !== 0, version: 1, lastSource: 'key:test', owner: false });
      expect(member.emails).toEqual([{ value: `bulk${i}@x.com`, primary: true }]);
    }
    const count = await db.store.db.selectFrom('membership').select((eb) => eb.fn.countAll<number>().as('n')).where('user_name_lower', 'like', 'bulk%').executeTakeFirstOrThrow();
    expect(Number(count.n)).toBe(450);
  });

  it('updates each set of fields, in any order, with exactly those fields, the version moved once per write', async () => {
    await create(fields('shape@x.com', { seatType: 'pro' }));
    const update = (change: Partial<MemberFields>) =>
      apply(db.store, 'v1', async (trx, workspace) => {
        const current = (await findMemberByUserName(trx, 'v1', 'shape@x.com'))!;
        return { changes: [memberChange(workspace, current, { ...memberFieldsOf(current), ...change })], current: new Map([[current.id, current]]), value: null };
      }, { ...ctx, mode: 'whole', failure });
    await update({ title: 'One', department: 'Ops' });
    await update({ department: 'Sales', title: 'Two' });
    await update({ title: 'Three' });
    await update({ active: false });
    const member = (await findMemberByUserName(db.store.db, 'v1', 'shape@x.com'))!;
    expect(member).toMatchObject({ title: 'Three', department: 'Sales', active: false, version: 5 });
    const row = await db.store.db.selectFrom('membership').select('field_sources').where('id', '=', member.id).executeTakeFirstOrThrow();
    expect(JSON.parse(row.field_sources!)).toMatchObject({ title: 'key:test', department: 'key:test', active: 'key:test' });
  });

  describe('read-ahead (propose before the write lock)', () => {
    /** A title change for `userName`, proposed from the member as `propose` reads it; counts its calls. */
    function retitle(userName: string, title: string, between?: () => Promise<void>) {
      const calls: Kysely<Database>[] = [];
      const propose = async (trx: Kysely<Database>, workspace: Workspace) => {
        calls.push(trx);
        const current = (await findMemberByUserName(trx, 'v1', userName))!;
        // The early proposal is made; something else writes before the transaction begins.
        if (calls.length === 1) await between?.();
        return {
          changes: [memberChange(workspace, current, { ...memberFieldsOf(current), title: `${title} (seen v${current.version})` })],
          current: new Map([[current.id, current]]),
          readVersions: new Map([[current.id, current.version]]),
          value: null,
        };
      };
      return { calls, propose };
    }

    it('keeps the proposal made before the lock when the member and the settings are unchanged', async () => {
      await create(fields('ra1@x.com', { seatType: 'pro' }));
      const workspace = (await findWorkspace(db.store.db, 'v1'))!;
      const { calls, propose } = retitle('ra1@x.com', 'Lead');
      await apply(db.store, 'v1', propose, { ...ctx, mode: 'whole', failure, readAhead: workspace });
      expect(calls).toEqual([db.store.db]);
      expect((await findMemberByUserName(db.store.db, 'v1', 'ra1@x.com'))!.title).toBe('Lead (seen v1)');
    });

    it('proposes again inside the transaction when the member was written in between', async () => {
      await create(fields('ra2@x.com', { seatType: 'pro' }));
      const workspace = (await findWorkspace(db.store.db, 'v1'))!;
      const member = (await findMemberByUserName(db.store.db, 'v1', 'ra2@x.com'))!;
      const moveDepartment = async () => {
        await apply(db.store, 'v1', async (_trx, ws) => ({ changes: [memberChange(ws, member, { ...memberFieldsOf(member), department: 'Finance' })], current: new Map([[member.id, member]]), value: null }), { ...ctx, mode: 'whole', failure });
      };
      const { calls, propose } = retitle('ra2@x.com', 'Lead', moveDepartment);
      await apply(db.store, 'v1', propose, { ...ctx, mode: 'whole', failure, readAhead: workspace });
      expect(calls).toHaveLength(2);
      expect(calls[1]).not.toBe(db.store.db);
      // Computed from version 2 (after the department write), and applied as version 3.
      const after = (await findMemberByUserName(db.store.db, 'v1', 'ra2@x.com'))!;
      expect(after.title).toBe('Lead (seen v2)');
      expect(after.version).toBe(3);
    });

    it("proposes again when the workspace's settings changed since the request read them", async () => {
      await create(fields('ra3@x.com', { seatType: 'pro' }));
      const stale = (await findWorkspace(db.store.db, 'v1'))!;
      const { calls, propose } = retitle('ra3@x.com', 'Lead');
      // The request's copy of the workspace carries another policy than the database now holds.
      await apply(db.store, 'v1', propose, { ...ctx, mode: 'whole', failure, readAhead: { ...stale, policy: { ...stale.policy } } });
      expect(calls).toHaveLength(2);
    });
  });
});
