import type { ReconcileOutcome } from '../reconcile/reconcile-request.js';

export interface RetryPolicy {
  /** The wait before the first retry; each further failure doubles it. */
  initialMs: number;
  /** No single wait is longer than this. */
  maxMs: number;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = { initialMs: 30_000, maxMs: 30 * 60_000 };

/**
 * Whether a finished cycle should be tried again before its next tick. A failure (the IdP or the database did
 * not answer) usually clears up; a stale plan (SCIM push wrote while the cycle compared) is recomputed by the
 * next try. A refusal is the opposite: the plan is over the workspace's deletion budget and waits for an
 * admin's approval, and retrying would only compute the same refused plan again.
 */
export function shouldRetry(outcome: Pick<ReconcileOutcome, 'result'> | 'threw'): boolean {
  return outcome === 'threw' || outcome.result === 'failed' || outcome.result === 'stale';
}

/**
 * Milliseconds to wait before retry number `failures` (1 after the first failure): 30 s, 60 s, 120 s … under
 * the default policy. Null when the next scheduled tick comes first: the tick is the retry then, and two
 * triggers for one cycle would only race.
 */
export function retryDelay(failures: number, policy: RetryPolicy, msToNextTick: number | null): number | null {
  const delay = Math.min(policy.initialMs * 2 ** Math.max(0, failures - 1), policy.maxMs);
  return msToNextTick !== null && delay >= msToNextTick ? null : delay;
}
