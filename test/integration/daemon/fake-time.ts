import { vi } from 'vitest';

/** Where the fake clock starts: a second before a minute's tick, so every cron schedule of the tests comes soon. */
export const FAKE_START = new Date('2026-01-01T00:00:59.000Z');

/**
 * The daemon's time made fake: timeouts (the lease heartbeat, retries, node-cron's ticks, a stop's grace) and Date.
 * setImmediate stays real, since the store's writes take event-loop turns (GroupCommit, EventLoopSlices), and so does
 * the database's I/O. Restore with `vi.useRealTimers()` in afterEach: the integration files share their module cache.
 */
export function useFakeTime(): void {
  vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'], now: FAKE_START });
}

export interface AdvanceOptions {
  /**
   * Fake time between two looks at `done`. The default is small against every timer the tests arm, so that real I/O
   * in flight never sees much fake time pass; a test whose I/O cannot race its timers may take larger steps.
   */
  stepMs?: number;
  /** Fake time after which waiting fails. */
  limitMs?: number;
}

/**
 * Moves the fake clock a step at a time, giving real I/O (the database) an event-loop turn after each step, until
 * `done` holds.
 */
export async function advanceUntil(what: string, done: () => boolean | Promise<boolean>, { stepMs = 10, limitMs = 10 * 60_000 }: AdvanceOptions = {}): Promise<void> {
  for (let passed = 0; !(await done()); passed += stepMs) {
    if (passed > limitMs) throw new Error(`${what} did not happen within ${limitMs} ms of fake time`);
    await vi.advanceTimersByTimeAsync(stepMs);
    await new Promise((resolve) => setImmediate(resolve));
  }
}

/** Awaits `promise` while fake time passes, as the daemon's time would while it waits. */
export async function whileTimePasses<T>(what: string, promise: Promise<T>): Promise<T> {
  let settled = false;
  const observed = promise.finally(() => (settled = true));
  // The rejection, if any, is the caller's: it comes back from the await below.
  observed.catch(() => undefined);
  await advanceUntil(what, () => settled);
  return promise;
}
