import { setTimeout as sleep } from 'node:timers/promises';

/**
 * Poll until `done` holds, then return its last value; fail naming `what` after `timeoutMs`. Generous by default:
 * an e2e test and the processes it starts share two cores with whatever else the machine runs.
 */
export async function waitFor<T>(what: string, done: () => Promise<T> | T, timeoutMs = 60_000, everyMs = 50): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await done();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(everyMs);
  }
}
