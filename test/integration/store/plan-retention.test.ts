import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createWorkspace } from '../../../src/admin/create-workspace.js';
import { emptySummary } from '../../../src/model/plan.js';
import { appendPlanChanges, findPlan, insertPlan, prunePlans, type StoredPlan } from '../../../src/store/plan-repository.js';
import { listRuns, pruneRuns, startRun } from '../../../src/store/sync-run-repository.js';
import { DIALECTS, openTestStore, type TestDialect, type TestStore } from '../../support/test-store.js';

/** A daemon that runs every minute keeps a bounded history: the newest plans and runs, and every pending plan. */
describe.each(DIALECTS)('plan and run retention on %s', (dialect: TestDialect) => {
  let db: TestStore;
  beforeEach(async () => {
    db = await openTestStore(dialect);
    await createWorkspace(db.store.db, { id: 'acme', version: 'v2', now: new Date().toISOString() });
  });
  afterEach(() => db.cleanup());

  const at = (i: number) => new Date(Date.UTC(2026, 10, 1, 0, i)).toISOString();
  const plan = (i: number, status: StoredPlan['status']): StoredPlan => ({
    id: `plan-${String(i).padStart(2, '0')}`,
    workspaceId: 'acme',
    source: 'connector:entra',
    binding: 'entra',
    basis: i,
    status,
    summary: emptySummary(),
    warnings: [],
    changeCount: 1,
    deletions: 0,
    complete: true,
    cursor: null,
    createdAt: at(i),
    decidedAt: null,
    decidedBy: null,
  });

  it('keeps the newest plans and every pending one, with their changes', async () => {
    for (let i = 0; i < 8; i++) {
      await insertPlan(db.store.db, plan(i, i === 1 ? 'pending' : 'applied'));
      await appendPlanChanges(db.store.db, `plan-${String(i).padStart(2, '0')}`, 0, [{ action: 'create', kind: 'member', key: `k${i}`, targetId: `t${i}`, before: null, after: {} }]);
    }
    expect(await prunePlans(db.store.db, 'acme', 'entra', 3)).toBe(4);
    const left = [];
    for (let i = 0; i < 8; i++) if (await findPlan(db.store.db, `plan-${String(i).padStart(2, '0')}`)) left.push(i);
    expect(left).toEqual([1, 5, 6, 7]);
    const changes = await db.store.db.selectFrom('plan_change').select('plan_id').orderBy('plan_id').execute();
    expect(changes.map((c) => c.plan_id)).toEqual(['plan-01', 'plan-05', 'plan-06', 'plan-07']);
  });

  it('keeps the newest runs', async () => {
    for (let i = 0; i < 6; i++) await startRun(db.store.db, { id: `run-${i}`, workspaceId: 'acme', binding: 'entra', mode: 'full', trigger: 'schedule', dryRun: false, instance: null, startedAt: at(i) });
    await pruneRuns(db.store.db, 'acme', 'entra', 4);
    expect((await listRuns(db.store.db, 'acme', 10)).map((r) => r.id)).toEqual(['run-5', 'run-4', 'run-3', 'run-2']);
  });
});
