import type { HeavyLoop } from './heavy-requests.js';
import { pacedReads, type QuietTenant } from './paced-reads.js';
import { readQuietlyInProcess } from './quiet-reader.js';
import { timedRequest, type Timed } from './timed-request.js';

export interface Tenant {
  /** Absolute SCIM base URL of the workspace. */
  base: string;
  token: string;
}

export interface NeighbourRunOptions {
  /** The noisy tenant and its loops, each run concurrently; none for an idle baseline. */
  noisy: Tenant & { loops: HeavyLoop[] };
  /** The quiet tenant: it reads its users by id until every loop is done. */
  quiet: QuietTenant;
  /** When a loop stops: after so many iterations, or once so many seconds have passed (at the end of an iteration). */
  stop: { iterations: number } | { seconds: number };
  /** With no loops: how many reads the quiet tenant makes. */
  idleReads?: number;
  /**
   * Read the quiet tenant from a process of its own (quiet-reader.ts), so that its timing does not include the
   * noisy client's own work. Its reads then stop after `stop.seconds`, or after `idleReads` with no loops.
   */
  separateReader?: boolean;
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

  const idleReads = options.idleReads ?? 200;
  const reads = options.separateReader
    ? readQuietlyInProcess({ quiet, until: noisy.loops.length === 0 ? { reads: idleReads } : { seconds: secondsOf(stop) } })
    : pacedReads(quiet, (k) => (noisy.loops.length > 0 ? running > 0 : k < idleReads));

  const [quietResults] = await Promise.all([reads, ...loops]);
  return { quiet: quietResults, noisy: noisyResults };
}

function secondsOf(stop: NeighbourRunOptions['stop']): number {
  if ('seconds' in stop) return stop.seconds;
  throw new Error('a quiet reader of its own needs a stop in seconds');
}
