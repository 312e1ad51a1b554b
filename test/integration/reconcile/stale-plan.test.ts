import { describe, expect, it } from 'vitest';
import { RosterdError } from '../../../src/error/rosterd-error.js';
import { memberFieldsOf, type MemberFields } from '../../../src/model/member.js';
import { applySavedPlan } from '../../../src/reconcile/apply-saved-plan.js';
import { applyStoredPlan } from '../../../src/reconcile/apply-stored-plan.js';
import { memberChange } from '../../../src/reconcile/member-change.js';
import { apply } from '../../../src/reconcile/apply.js';
import { findMemberByExternalId } from '../../../src/store/member-repository.js';
import { findPlan, pendingPlanOf } from '../../../src/store/plan-repository.js';
import { listRuns } from '../../../src/store/sync-run-repository.js';
import { entraPullSuite } from '../../support/entra-pull-suite.js';
import { DIALECTS, type TestDialect } from '../../support/test-store.js';

/**
 * Stale plans: a kept plan (a dry run saved for `rosterd apply`, or one waiting for `plan approve`) is
 * applied only while the workspace is still at the revision it was computed from; a cycle's own apply instead
 * sets aside just the changes whose target moved on since, and logs each.
 */
const WS = 'acme';
const KEY = 'key:k-push';

describe.each(DIALECTS)('stale plans on %s', (dialect: TestDialect) => {
  const pull = entraPullSuite(dialect, { request: { mode: 'full', dryRun: false, trigger: 'cli' } });
  const { h, workspace, run, user } = pull;

  /** A SCIM push's write, through the one write path: the member's title, as a key of the workspace. */
  const pushTitle = (externalId: string, title: string) =>
    apply(pull.db.store, WS, async (trx, ws) => {
      const current = (await findMemberByExternalId(trx, WS, externalId))!;
      const fields: MemberFields = memberFieldsOf(current);
      return { changes: [memberChange(ws, current, { ...fields, title })], current: new Map([[current.id, current]]), value: null };
    }, { actor: KEY, requestId: 'req-1', now: () => new Date().toISOString(), mode: 'whole', failure: { operation: 'member.update', targetKind: 'member', targetId: null, targetKey: externalId } });

  /** What a stale plan must not change: every member's version and the fields a plan could write. */
  const snapshot = async () =>
    (await pull.db.store.db.selectFrom('membership').select(['external_id', 'version', 'active', 'department', 'title']).where('workspace_id', '=', WS).orderBy('external_id').execute()).map((r) => ({
      ...r,
      version: Number(r.version),
      active: Number(r.active),
    }));

  const staleError = async (promise: Promise<unknown>): Promise<RosterdError> => {
    const error = await promise.then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(RosterdError);
    return error as RosterdError;
  };

  /** Two members synced, both moved to Finance in the IdP, and a dry run that keeps the plan of their updates. */
  const twoUpdatesPlanned = async () => {
    await workspace();
    user(1);
    user(2);
    await run();
    h.updateUser('u-1', { profile: { [h.departmentSource]: 'Finance' } });
    h.updateUser('u-2', { profile: { [h.departmentSource]: 'Finance' } });
    return run({ dryRun: true });
  };

  it('rosterd apply refuses a saved dry run once the workspace changed, marks it stale, and changes nothing', async () => {
    const dry = await twoUpdatesPlanned();
    expect(dry).toMatchObject({ result: 'planned', summary: { update: 2 } });
    const basis = (await findPlan(pull.db.store.db, dry.planId!))!.basis;

    // A SCIM push lands between the dry run and its apply.
    await pushTitle('u-2', 'CTO');
    const before = await snapshot();

    const error = await staleError(applySavedPlan(pull.db.store, dry.planId!, { trigger: 'apply', decidedBy: 'cli', clock: () => new Date() }));
    expect(error.code).toBe('ROSTERD_E_PLAN');
    expect(error.message).toBe(
      `plan ${dry.planId} is stale: it was computed at workspace revision ${basis} and workspace "${WS}" is at revision ${basis + 1} now; run rosterd reconcile ${WS} again`,
    );
    expect(await findPlan(pull.db.store.db, dry.planId!)).toMatchObject({ status: 'stale', decidedBy: 'cli' });
    const [last] = await listRuns(pull.db.store.db, WS, 1);
    expect(last).toMatchObject({ trigger: 'apply', result: 'stale', planId: dry.planId, error: error.message });
    expect(await snapshot()).toEqual(before);
    expect(before.map((m) => m.department)).toEqual(['Sales', 'Sales']);

    // Decided once, the plan is not tried again; a new cycle plans afresh and applies.
    await expect(applySavedPlan(pull.db.store, dry.planId!, { trigger: 'apply', decidedBy: 'cli', clock: () => new Date() })).rejects.toThrow(`plan ${dry.planId} is stale; only a planned or pending plan can be applied`);
    expect(await run()).toMatchObject({ result: 'applied', summary: { update: 2 } });
    expect((await findMemberByExternalId(pull.db.store.db, WS, 'u-2'))).toMatchObject({ department: 'Finance', title: 'CTO' });
  });

  it('plan approve refuses a pending plan once the workspace changed, and the schedule computes a new one', async () => {
    await workspace({ deletionBudget: { count: 1, percent: null } });
    for (let i = 0; i < 4; i++) user(i);
    await run();
    h.unassignUser('u-0');
    h.unassignUser('u-1');
    const refused = await run();
    expect(refused).toMatchObject({ result: 'refused' });

    await pushTitle('u-3', 'Head of Sales');
    const before = await snapshot();
    const error = await staleError(applySavedPlan(pull.db.store, refused.planId!, { trigger: 'approve', decidedBy: 'cli', clock: () => new Date() }));
    expect(error.code).toBe('ROSTERD_E_PLAN');
    expect(error.message).toContain(`plan ${refused.planId} is stale`);
    expect((await findPlan(pull.db.store.db, refused.planId!))?.status).toBe('stale');
    expect((await listRuns(pull.db.store.db, WS, 1))[0]).toMatchObject({ trigger: 'approve', result: 'stale' });
    expect(await snapshot()).toEqual(before);
    expect(before.every((m) => m.active === 1)).toBe(true);

    // Nothing waits any more: the next scheduled cycle runs, and is refused with a plan of its own.
    expect(await pendingPlanOf(pull.db.store.db, WS, 'entra')).toBeUndefined();
    const again = await run({ trigger: 'schedule' });
    expect(again).toMatchObject({ result: 'refused', summary: { deactivate: 2 } });
    expect(again.planId).not.toBe(refused.planId);
  });

  it('a cycle\'s own apply sets aside a change whose member moved on since the plan, logs it, and applies the rest', async () => {
    const dry = await twoUpdatesPlanned();
    const plan = (await findPlan(pull.db.store.db, dry.planId!))!;
    const moved = (await findMemberByExternalId(pull.db.store.db, WS, 'u-1'))!;
    await pushTitle('u-1', 'CTO');

    const result = await applyStoredPlan(pull.db.store, plan, { actor: 'connector:entra', strictBasis: false, now: () => new Date().toISOString() });
    expect(result).toMatchObject({ interrupted: false, tally: { applied: { update: 1 } } });
    expect(result.tally.drift.get('set_aside')?.count).toBe(1);
    // The pushed title stands, and the department of u-1 waits for the next cycle to compare it again.
    expect(await findMemberByExternalId(pull.db.store.db, WS, 'u-1')).toMatchObject({ department: 'Sales', title: 'CTO', version: moved.version + 1 });
    expect(await findMemberByExternalId(pull.db.store.db, WS, 'u-2')).toMatchObject({ department: 'Finance', title: null });
    const log = await pull.db.store.db
      .selectFrom('provisioning_log')
      .select(['actor', 'operation', 'target_key', 'result', 'error_status', 'error_detail'])
      .where('workspace_id', '=', WS)
      .where('request_id', '=', plan.id)
      .orderBy('id')
      .execute();
    expect(log).toEqual([
      {
        actor: 'connector:entra',
        operation: 'member.update',
        target_key: 'user1@example.test',
        result: 'refused',
        error_status: 409,
        error_detail: `member "user1@example.test" changed since the plan was computed (version ${moved.version} → ${moved.version + 1}); the next cycle compares it again`,
      },
      { actor: 'connector:entra', operation: 'member.update', target_key: 'user2@example.test', result: 'applied', error_status: null, error_detail: null },
    ]);
    // The next cycle does.
    expect(await run()).toMatchObject({ result: 'applied', summary: { update: 1 } });
    expect(await findMemberByExternalId(pull.db.store.db, WS, 'u-1')).toMatchObject({ department: 'Finance', title: 'CTO' });
  });
});
