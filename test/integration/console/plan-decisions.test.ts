import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { approvePlan, rejectPendingPlan } from '../../../src/admin/decide-plan.js';
import { createWorkspace } from '../../../src/admin/create-workspace.js';
import { emptySummary } from '../../../src/model/plan.js';
import { findPlan, insertPlan, rejectPlan, type StoredPlan } from '../../../src/store/plan-repository.js';
import { readLog } from '../../../src/store/provisioning-log-repository.js';
import { DIALECTS, openTestStore, type TestDialect, type TestStore } from '../../support/test-store.js';

/**
 * Rejecting a plan (the console's Reject, `rosterd plan reject`): only a pending plan, decided once however the
 * decisions race, recorded on the plan and in the provisioning log; a rejected plan is never applied.
 */
describe.each(DIALECTS)('plan decisions on %s', (dialect: TestDialect) => {
  let db: TestStore;
  beforeEach(async () => {
    db = await openTestStore(dialect);
    await createWorkspace(db.store.db, { id: 'acme', version: 'v2', now: new Date().toISOString() });
  });
  afterEach(() => db.cleanup());

  const plan = async (id: string, status: StoredPlan['status']): Promise<string> => {
    await insertPlan(db.store.db, {
      id,
      workspaceId: 'acme',
      source: 'connector:entra',
      binding: 'entra',
      basis: 1,
      status,
      summary: { ...emptySummary(), deactivate: 3 },
      warnings: [],
      changeCount: 3,
      deletions: 3,
      complete: true,
      cursor: null,
      createdAt: new Date().toISOString(),
      decidedAt: null,
      decidedBy: null,
    });
    return id;
  };
  const decision = (by: string) => ({ decidedBy: by, clock: () => new Date() });

  it('rejects only a pending plan, and one of two racing decisions wins', async () => {
    const pending = await plan('p-1', 'pending');
    const results = await Promise.all([rejectPlan(db.store.db, pending, { at: new Date().toISOString(), by: 'admin:ada' }), rejectPlan(db.store.db, pending, { at: new Date().toISOString(), by: 'cli' })]);
    expect(results.filter(Boolean)).toHaveLength(1);
    expect((await findPlan(db.store.db, pending))?.status).toBe('rejected');
    for (const status of ['planned', 'approved', 'applied', 'stale'] as const) {
      const id = await plan(`p-${status}`, status);
      expect(await rejectPlan(db.store.db, id, { at: new Date().toISOString(), by: 'cli' }), status).toBe(false);
      expect((await findPlan(db.store.db, id))?.status).toBe(status);
    }
  });

  it('records a rejection on the plan and in the log, refuses a second one, and never applies a rejected plan', async () => {
    const id = await plan('p-2', 'pending');
    const rejected = await rejectPendingPlan(db.store, id, decision('cli'));
    expect(rejected).toMatchObject({ status: 'rejected', decidedBy: 'cli' });
    expect(await findPlan(db.store.db, id)).toMatchObject({ status: 'rejected', decidedBy: 'cli' });
    await expect(rejectPendingPlan(db.store, id, decision('admin:ada'))).rejects.toMatchObject({ code: 'ROSTERD_E_PLAN', message: `plan ${id} is rejected; only a pending plan can be rejected` });
    await expect(approvePlan(db.store, id, decision('admin:ada'))).rejects.toMatchObject({ code: 'ROSTERD_E_PLAN' });
    await expect(rejectPendingPlan(db.store, 'nope', decision('cli'))).rejects.toMatchObject({ code: 'ROSTERD_E_PLAN' });
    const log = await readLog(db.store.db, 'acme', { limit: 10 });
    expect(log.map((e) => [e.operation, e.actor, e.result])).toEqual([
      ['plan.reject', 'cli', 'applied'],
      ['plan.reject', 'admin:ada', 'refused'],
      ['plan.approve', 'admin:ada', 'refused'],
    ]);
    expect(log[0]).toMatchObject({ targetKind: 'plan', targetId: id, requestId: id, before: { status: 'pending', deletions: 3 }, after: { status: 'rejected' } });
  });
});
