import { randomUUID } from 'node:crypto';
import { RosterdError } from '../error/rosterd-error.js';
import { emptySummary } from '../model/plan.js';
import { recordGoodCycle } from '../store/connector-state-repository.js';
import type { Store } from '../store/store.js';
import type { RunResult } from '../store/database.js';
import { findPlan, supersedePendingPlans, updatePlan } from '../store/plan-repository.js';
import { finishRun, startRun } from '../store/sync-run-repository.js';
import { applyStoredPlan } from './apply-stored-plan.js';
import type { ReconcileOutcome } from './reconcile-request.js';
import { describe, describeDrift } from './tally.js';

/**
 * Applies a kept plan (approved, or a dry run saved to a file). Unlike a cycle's own apply, it is refused whole if the
 * workspace changed at all since: what the admin reviewed is what runs.
 */
export async function applySavedPlan(
  store: Store,
  planId: string,
  options: { trigger: 'approve' | 'apply'; decidedBy: string; clock: () => Date; instance?: string; signal?: AbortSignal },
): Promise<ReconcileOutcome> {
  const now = () => options.clock().toISOString();
  const plan = await findPlan(store.db, planId);
  if (!plan) throw new RosterdError('ROSTERD_E_PLAN', `plan ${planId} does not exist; see rosterd runs <workspace>`);
  if (plan.status !== 'planned' && plan.status !== 'pending') {
    throw new RosterdError('ROSTERD_E_PLAN', `plan ${planId} is ${plan.status}; only a planned or pending plan can be applied`);
  }
  const binding = plan.binding ?? plan.source;
  const runId = randomUUID();
  await startRun(store.db, { id: runId, workspaceId: plan.workspaceId, binding, mode: 'full', trigger: options.trigger, dryRun: false, instance: options.instance ?? null, startedAt: now() });
  const end = async (outcome: Omit<ReconcileOutcome, 'runId' | 'planId' | 'membersRead' | 'complete' | 'mode' | 'warnings'>): Promise<ReconcileOutcome> => {
    await finishRun(store.db, runId, { result: outcome.result, planId, summary: outcome.summary, membersRead: 0, complete: plan.complete, error: outcome.error ?? null, finishedAt: now(), drift: outcome.drift.count, message: outcome.message });
    return { ...outcome, runId, planId, membersRead: 0, complete: plan.complete, mode: 'full', warnings: plan.warnings };
  };
  let applied;
  try {
    applied = await applyStoredPlan(store, plan, { actor: plan.source, decidedBy: options.decidedBy, strictBasis: true, now, ...(options.signal ? { signal: options.signal } : {}) });
  } catch (error) {
    const message = (error as Error).message;
    const result: RunResult = error instanceof RosterdError && error.code === 'ROSTERD_E_PLAN' ? 'stale' : 'failed';
    await end({ result, summary: emptySummary(), drift: { count: 0, reasons: {} }, message, error: message });
    throw error;
  }
  const { tally } = applied;
  const drift = { count: tally.drifting, reasons: Object.fromEntries(tally.drift) };
  if (applied.interrupted) {
    await updatePlan(store.db, planId, { status: 'stale', decidedAt: now(), decidedBy: options.decidedBy });
    const message = 'interrupted while applying: every change is either applied or not; the next cycle converges';
    return end({ result: 'aborted', summary: tally.applied, drift, message, error: 'interrupted', errorCode: 'ROSTERD_E_INTERNAL' });
  }
  await updatePlan(store.db, planId, { status: options.trigger === 'approve' ? 'approved' : 'applied', decidedAt: now(), decidedBy: options.decidedBy });
  // The binding's other pending plans are now behind the workspace's basis and can never be approved.
  if (plan.binding) {
    await supersedePendingPlans(store.db, plan.workspaceId, plan.binding, null, {
      at: now(),
      by: options.decidedBy,
      note: `superseded by plan ${planId} (run ${runId}): it was applied later, so the workspace is no longer at this plan's basis`,
    });
  }
  if (plan.complete && plan.binding) await recordGoodCycle(store.db, plan.workspaceId, plan.binding, now(), plan.cursor);
  const left = tally.drifting ? `; ${describeDrift(tally.drift)}` : '';
  return end({ result: tally.drifting ? 'drift' : 'applied', summary: tally.applied, drift, message: `applied plan ${planId}: ${describe(tally.applied)}${left}` });
}
