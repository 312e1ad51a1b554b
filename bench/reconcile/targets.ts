import type { RunReport } from '../reconcile-bench.js';

/** The targets (a 2-core machine, SQLite; the same asked of PostgreSQL), and the verdicts. */
export const TARGETS: Record<number, { seconds: number; rssMb: number }> = {
  100_000: { seconds: 20, rssMb: 300 },
  1_000_000: { seconds: 240, rssMb: 1024 },
};
/**
 * At 100,000 members, with the drift check included: an incremental cycle with 100 IdP changes, one with none, and a
 * full read with nothing to change, within this many times the fetch-and-parse floor.
 */
export const INCREMENTAL_TARGET = { members: 100_000, seconds: 2, quietSeconds: 1, againFloors: 2 };

export interface Verdict {
  target: string;
  /** Null where there is no target for this size. */
  time: boolean | null;
  rss: boolean | null;
  incremental: boolean | null;
  quiet: boolean | null;
  again: boolean | null;
}

export function judge(r: RunReport): Verdict {
  const t = TARGETS[r.members];
  const level = r.members === INCREMENTAL_TARGET.members ? INCREMENTAL_TARGET : null;
  const full = r.full?.result;
  const inc = r.incremental?.result;
  const quiet = r.quiet?.result;
  const again = r.again?.result;
  const floor = r.floor?.result.seconds;
  return {
    target: [t ? `≤${t.seconds} s, ≤${t.rssMb} MB` : '', level ? `incr <${level.seconds} s, quiet <${level.quietSeconds} s, again ≤${level.againFloors}× floor` : ''].filter(Boolean).join(', ') || '-',
    time: t && full ? full.seconds <= t.seconds : null,
    rss: t && full ? full.stats.maxRss / 1024 / 1024 <= t.rssMb : null,
    incremental: level && inc ? inc.seconds < level.seconds : null,
    quiet: level && quiet ? quiet.seconds < level.quietSeconds : null,
    again: level && again && floor ? again.seconds <= level.againFloors * floor : null,
  };
}
