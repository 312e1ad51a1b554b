import type { ReconcileOutcome } from '../reconcile/reconcile-request.js';

/**
 * The exit code of `rosterd reconcile`, `plan approve` and `apply`, from the outcome alone:
 * 0  the workspace matches the IdP (applied, or nothing to do);
 * 1  an error, or an IdP read that stopped partway (what it read was applied; nobody was deprovisioned);
 * 2  a dry run with changes to apply or members in drift to show;
 * 3  held by the deletion budget: nothing applied, the plan waits for `rosterd plan approve`;
 * 4  applied what the policy allows, and members still differ from the IdP (the outcome line says why).
 */
export type ReconcileExitCode = 0 | 1 | 2 | 3 | 4;

export function reconcileExitCode(outcome: Pick<ReconcileOutcome, 'result' | 'complete' | 'drift' | 'planId'>): ReconcileExitCode {
  switch (outcome.result) {
    case 'failed':
    case 'aborted':
    case 'stale':
    case 'running':
      return 1;
    case 'refused':
      return 3;
    case 'planned':
      if (!outcome.complete) return 1;
      return outcome.drift.count > 0 ? 2 : 0;
    case 'drift':
      return 4;
    case 'applied':
    case 'no_changes':
      return outcome.complete ? 0 : 1;
  }
}
