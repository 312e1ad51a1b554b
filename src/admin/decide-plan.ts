import { RosterdError } from '../error/rosterd-error.js';
import { applySavedPlan } from '../reconcile/apply-saved-plan.js';
import type { ReconcileOutcome } from '../reconcile/reconcile-request.js';
import { describe } from '../reconcile/tally.js';
import type { Store } from '../store/store.js';
import { findPlan, rejectPlan, type StoredPlan } from '../store/plan-repository.js';
import { appendLog } from '../store/provisioning-log-repository.js';

/**
 * An admin's decision on a kept plan: approve applies it (`applySavedPlan`), reject applies nothing. The plan records
 * who decided, and the provisioning log gets one `plan.approve` / `plan.reject` line, refused decisions included.
 */
export interface PlanDecision {
  decidedBy: string;
  clock: () => Date;
  /** hostname:pid, recorded on an approval's run. */
  instance?: string;
}

export async function approvePlan(store: Store, planId: string, decision: PlanDecision): Promise<ReconcileOutcome> {
  const plan = await findPlan(store.db, planId);
  let outcome: ReconcileOutcome;
  try {
    outcome = await applySavedPlan(store, planId, { trigger: 'approve', decidedBy: decision.decidedBy, clock: decision.clock, ...(decision.instance ? { instance: decision.instance } : {}) });
  } catch (error) {
    if (plan) await logDecision(store, plan, 'plan.approve', decision, { refused: (error as Error).message });
    throw error;
  }
  const applied = outcome.result === 'applied' || outcome.result === 'drift';
  await logDecision(store, plan!, 'plan.approve', decision, applied ? { status: 'approved', run: outcome.runId, applied: describe(outcome.summary) } : { refused: outcome.message });
  return outcome;
}

/** ROSTERD_E_PLAN unless the plan exists and is pending. */
export async function rejectPendingPlan(store: Store, planId: string, decision: PlanDecision): Promise<StoredPlan> {
  const plan = await findPlan(store.db, planId);
  if (!plan) throw new RosterdError('ROSTERD_E_PLAN', `plan ${planId} does not exist; see rosterd runs <workspace>`);
  const at = decision.clock().toISOString();
  if (!(await rejectPlan(store.db, planId, { at, by: decision.decidedBy }))) {
    const now = (await findPlan(store.db, planId))?.status ?? 'gone';
    const message = `plan ${planId} is ${now}; only a pending plan can be rejected`;
    await logDecision(store, plan, 'plan.reject', decision, { refused: message });
    throw new RosterdError('ROSTERD_E_PLAN', message);
  }
  await logDecision(store, plan, 'plan.reject', decision, { status: 'rejected' });
  return { ...plan, status: 'rejected', decidedAt: at, decidedBy: decision.decidedBy };
}

async function logDecision(
  store: Store,
  plan: StoredPlan,
  operation: 'plan.approve' | 'plan.reject',
  decision: PlanDecision,
  result: { refused: string } | Record<string, unknown>,
): Promise<void> {
  const refused = typeof result.refused === 'string' ? result.refused : null;
  await appendLog(store.db, [
    {
      workspaceId: plan.workspaceId,
      actor: decision.decidedBy,
      operation,
      targetKind: 'plan',
      targetId: plan.id,
      targetKey: null,
      before: { status: plan.status, source: plan.source, changes: plan.changeCount, deletions: plan.deletions },
      after: refused === null ? result : null,
      result: refused === null ? 'applied' : 'refused',
      errorStatus: null,
      errorDetail: refused,
      requestId: plan.id,
      at: decision.clock().toISOString(),
    },
  ]);
}
