import type { HeavyLoop } from './heavy-requests.js';
import { timedRequest, type Timed } from './timed-request.js';

export interface Tenant {
  /** Absolute SCIM base URL of the workspace. */
  base: string;
  token: string;
}

export interface NeighbourRunOptions {
  /** The noisy tenant and its loops, each run concurrently; none for an idle baseline. */
  noisy: Tenant & { loops: HeavyLoop[] };
  /**
   * The quiet tenant: it reads its users by id until every loop is done, one at a time, or, with `ratePerSecond`,
   * read k is sent at k ÷ rate seconds whether or not the earlier ones were answered, and its time counts from
   * then: a stalled server then shows in every read it delays, not in one.
   */
  quiet: Tenant & { userIds: readonly string[]; ratePerSecond?: number };
  /** When a loop stops: after so many iterations, or once so many seconds have passed (at the end of an iteration). */
  stop: { iterations: number } | { seconds: number };
  /** With no loops: how many reads the quiet tenant makes. */
  idleReads?: number;
}

export interface NeighbourRun {
  /** Every read of the quiet tenant. */
  quiet: Timed[];
  /** Every request of each noisy loop, by loop name. */
  noisy: Map<string, Timed[]>;
}

/** Run the noisy tenant's loops and the quiet tenant's reads side by side, over real HTTP, and time everything. */
export async function runNeighbours(options: NeighbourRunOptions): Promise<NeighbourRun> {
  const { noisy, quiet, stop } = options;
  const started = performance.now();
  const goOn = (iteration: number) => ('iterations' in stop ? iteration < stop.iterations : performance.now() - started < stop.seconds * 1000);
  const noisyResults = new Map<string, Timed[]>(noisy.loops.map((loop) => [loop.name, []]));
  let running = noisy.loops.length;

  const loops = noisy.loops.map(async (loop) => {
    try {
      for (let i = 0; goOn(i); i++) {
        for (const request of loop.requests(i)) noisyResults.get(loop.name)!.push(await timedRequest(noisy.base, noisy.token, request));
      }
    } finally {
      running--;
    }
  });

  const quietResults: Timed[] = [];
  const idleReads = options.idleReads ?? 200;
  const more = (k: number) => (noisy.loops.length > 0 ? running > 0 : k < idleReads);
  const read = (k: number) => timedRequest(quiet.base, quiet.token, { method: 'GET', path: `/Users/${quiet.userIds[k % quiet.userIds.length]!}` });
  const reads = (async () => {
    const rate = quiet.ratePerSecond;
    if (rate === undefined) {
      for (let k = 0; more(k); k++) quietResults.push(await read(k));
      return;
    }
    const pending: Promise<void>[] = [];
    const readsStarted = performance.now();
    for (let k = 0; more(k); k++) {
      const due = readsStarted + (k * 1000) / rate;
      const wait = due - performance.now();
      if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
      pending.push(read(k).then((timed) => void quietResults.push({ status: timed.status, ms: performance.now() - due })));
    }
    await Promise.all(pending);
  })();

  await Promise.all([...loops, reads]);
  return { quiet: quietResults, noisy: noisyResults };
}
