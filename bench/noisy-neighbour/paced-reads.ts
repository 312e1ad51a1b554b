import type { Tenant } from './neighbour-run.js';
import { timedRequest, type Timed } from './timed-request.js';

/** The quiet tenant: its users, read by id, and how fast. */
export interface QuietTenant extends Tenant {
  userIds: readonly string[];
  /**
   * Reads per second. Read k is then sent at k ÷ rate seconds whether or not the earlier ones were answered, and
   * its time counts from then: a stalled server shows in every read it delays, not in one. Without it, one read
   * at a time.
   */
  ratePerSecond?: number;
}

/** Read the quiet tenant's users by id, in turn, while `more(k)` says read k is wanted; every read timed. */
export async function pacedReads(quiet: QuietTenant, more: (k: number) => boolean): Promise<Timed[]> {
  const results: Timed[] = [];
  const read = (k: number) => timedRequest(quiet.base, quiet.token, { method: 'GET', path: `/Users/${quiet.userIds[k % quiet.userIds.length]!}` });
  const rate = quiet.ratePerSecond;
  if (rate === undefined) {
    for (let k = 0; more(k); k++) results.push(await read(k));
    return results;
  }
  const pending: Promise<void>[] = [];
  const started = performance.now();
  for (let k = 0; more(k); k++) {
    const due = started + (k * 1000) / rate;
    const wait = due - performance.now();
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
    pending.push(read(k).then((timed) => void results.push({ status: timed.status, ms: performance.now() - due })));
  }
  await Promise.all(pending);
  return results;
}
