import { describe, expect, it } from 'vitest';
import { DEFAULT_RETRY_POLICY, retryDelay, shouldRetry } from '../../../src/daemon/retry-backoff.js';

describe('retry backoff', () => {
  it('doubles from 30 s after each failure', () => {
    expect([1, 2, 3, 4].map((n) => retryDelay(n, DEFAULT_RETRY_POLICY, null))).toEqual([30_000, 60_000, 120_000, 240_000]);
  });

  it('never waits longer than the policy maximum', () => {
    expect(retryDelay(20, { initialMs: 1_000, maxMs: 5_000 }, null)).toBe(5_000);
  });

  it('leaves the retry to the next tick when the tick comes first', () => {
    expect(retryDelay(1, DEFAULT_RETRY_POLICY, 600_000)).toBe(30_000);
    expect(retryDelay(3, DEFAULT_RETRY_POLICY, 100_000)).toBeNull();
    expect(retryDelay(1, DEFAULT_RETRY_POLICY, 30_000)).toBeNull();
  });

  it('retries failures, throws and stale plans, not refusals, drift, aborts or successes', () => {
    expect(shouldRetry('threw')).toBe(true);
    expect(['failed', 'stale', 'refused', 'applied', 'no_changes', 'drift', 'aborted'].filter((result) => shouldRetry({ result: result as 'failed' }))).toEqual(['failed', 'stale']);
  });

  it('retries a connector failure that time can clear, not one a person must fix', () => {
    const failed = (errorReason: 'credentials' | 'permissions' | 'not_found' | 'throttled' | 'unavailable' | 'config') => shouldRetry({ result: 'failed', errorReason });
    expect(failed('throttled')).toBe(true);
    expect(failed('unavailable')).toBe(true);
    expect(failed('credentials')).toBe(false);
    expect(failed('permissions')).toBe(false);
    expect(failed('not_found')).toBe(false);
    expect(failed('config')).toBe(false);
  });
});
