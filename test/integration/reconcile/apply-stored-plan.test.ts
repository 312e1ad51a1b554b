import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { emptyMemberFields, type MemberFields } from '../../../src/model/member.js';
import { applyStoredPlan } from '../../../src/reconcile/apply-stored-plan.js';
import type { Change } from '../../../src/model/plan.js';
import { appendPlanChanges, findPlan } from '../../../src/store/plan-repository.js';
import { insertEmptyPlan, workspaceWithEmptyPlan } from '../../support/empty-plan.js';
import { DIALECTS, openTestStore, type TestDialect, type TestStore } from '../../support/test-store.js';

/**
 * Applying a stored plan whose creates were overtaken: a member with the same externalId arrived (a SCIM push)
 * after the plan was computed. Batches first run without looking their creates' keys up, and fall back to
 * looking them up when an insert conflicts: either way the overtaken create is set aside and logged, the rest of
 * its batch applies, and nothing of the rolled-back first attempt remains.
 */
describe.each(DIALECTS)('applying a stored plan on %s', (dialect: TestDialect) => {
  let db: TestStore;
  beforeEach(async () => {
    db = await openTestStore(dialect);
    await workspaceWithEmptyPlan(db.store.db, 'p1');
  });
  afterEach(() => db.cleanup());

  const create = (name: string): Change => {
    const after: MemberFields = Object.assign(emptyMemberFields(`${name}@acme.test`), { externalId: `ext-${name}`, displayName: name, role: 'viewer' });
    return { action: 'create', kind: 'member', key: `ext-${name}`, targetId: `id-${name}`, before: null, after: { ...after } };
  };

  const apply = async (planId: string) => {
    const plan = (await findPlan(db.store.db, planId))!;
    return applyStoredPlan(db.store, plan, { actor: 'connector:entra', strictBasis: false, now: () => new Date().toISOString() });
  };

  const log = () => db.store.db.selectFrom('provisioning_log').select(['target_key', 'result', 'error_status', 'error_detail']).where('workspace_id', '=', 'acme').orderBy('id').execute();
  const members = async () => (await db.store.db.selectFrom('membership').select('external_id').where('workspace_id', '=', 'acme').orderBy('external_id').execute()).map((r) => r.external_id);

  it('applies a batch of creates nobody overtook, logging each once', async () => {
    await appendPlanChanges(db.store.db, 'p1', 0, [create('alice'), create('bob')]);
    const result = await apply('p1');
    expect(result.interrupted).toBe(false);
    expect(result.tally.drifting).toBe(0);
    expect(result.tally.applied.create).toBe(2);
    expect(await members()).toEqual(['ext-alice', 'ext-bob']);
    expect((await log()).map((e) => e.result)).toEqual(['applied', 'applied']);
  });

  it('sets aside a create whose externalId was taken since the plan, and applies the rest of its batch', async () => {
    // Bob arrives by another plan (standing in for a SCIM push) after p1 was computed with a create for him.
    await insertEmptyPlan(db.store.db, 'p0');
    await appendPlanChanges(db.store.db, 'p0', 0, [create('bob')]);
    await apply('p0');
    await appendPlanChanges(db.store.db, 'p1', 0, [create('alice'), create('bob'), create('carol')]);

    const result = await apply('p1');
    expect(result.interrupted).toBe(false);
    expect(Object.fromEntries([...result.tally.drift].map(([reason, { count }]) => [reason, count]))).toEqual({ set_aside: 1 });
    expect(result.tally.applied.create).toBe(2);
    expect(await members()).toEqual(['ext-alice', 'ext-bob', 'ext-carol']);
    // Bob's first create (p0), then p1's in plan order: one entry per change, none left by the attempt that was rolled back.
    const entries = await log();
    expect(entries.map((e) => [e.target_key, e.result, e.error_status])).toEqual([
      ['ext-bob', 'applied', null],
      ['ext-alice', 'applied', null],
      ['ext-bob', 'refused', 409],
      ['ext-carol', 'applied', null],
    ]);
    expect(entries[2]!.error_detail).toBe('member "ext-bob" was created since the plan was computed; the next cycle compares it');
  });
});
