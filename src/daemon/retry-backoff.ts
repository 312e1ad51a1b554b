import type { ReconcileOutcome } from '../reconcile/reconcile-request.js';

export interface RetryPolicy {
  initialMs: number;
  maxMs: number;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = { initialMs: 30_000, maxMs: 30 * 60_000 };

/** Not retried: refusals (awaiting an admin), shutdown aborts, and connector failures only a person can fix. */
export function shouldRetry(outcome: Pick<ReconcileOutcome, 'result' | 'errorReason'> | 'threw'): boolean {
  if (outcome === 'threw') return true;
  if (outcome.result === 'stale') return true;
  if (outcome.result !== 'failed') return false;
  return outcome.errorReason === undefined || outcome.errorReason === 'throttled' || outcome.errorReason === 'unavailable';
}

/** Null when the next tick comes first: it is the retry, and two triggers would race. */
export function retryDelay(failures: number, policy: RetryPolicy, msToNextTick: number | null): number | null {
  const delay = Math.min(policy.initialMs * 2 ** Math.max(0, failures - 1), policy.maxMs);
  return msToNextTick !== null && delay >= msToNextTick ? null : delay;
}
