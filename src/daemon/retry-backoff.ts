import type { ReconcileOutcome } from '../reconcile/reconcile-request.js';

export interface RetryPolicy {
  /** The wait before the first retry; each further failure doubles it. */
  initialMs: number;
  /** No single wait is longer than this. */
  maxMs: number;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = { initialMs: 30_000, maxMs: 30 * 60_000 };

/**
 * Whether a finished cycle should be tried again before its next tick. A failure (the IdP or the database did not
 * answer, an IdP read that stopped partway) usually clears up; a stale plan (a SCIM push wrote while the cycle
 * compared) is recomputed by the next try. Not retried: a refusal (the plan is over the deletion budget and waits for
 * an admin), a shutdown's abort, and a connector failure that only a person can fix (credentials, permissions, the
 * configuration, an app that does not exist): the next tick tries again, and until then the run says what to fix.
 */
export function shouldRetry(outcome: Pick<ReconcileOutcome, 'result' | 'errorReason'> | 'threw'): boolean {
  if (outcome === 'threw') return true;
  if (outcome.result === 'stale') return true;
  if (outcome.result !== 'failed') return false;
  return outcome.errorReason === undefined || outcome.errorReason === 'throttled' || outcome.errorReason === 'unavailable';
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
