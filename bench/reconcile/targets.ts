import type { RunReport } from '../reconcile-bench.js';

/** The targets (issue 4 §6, a 2-core machine, SQLite; the same asked of PostgreSQL), and the verdicts. */
export const TARGETS: Record<number, { seconds: number; rssMb: number }> = {
  100_000: { seconds: 20, rssMb: 300 },
  1_000_000: { seconds: 240, rssMb: 1024 },
};
/** An incremental cycle with 100 changes among 100,000 members. */
export const INCREMENTAL_TARGET = { members: 100_000, seconds: 2 };

export interface Verdict {
  target: string;
  /** Null where the issue sets no target for this size. */
  time: boolean | null;
  rss: boolean | null;
  incremental: boolean | null;
}

export function judge(r: RunReport): Verdict {
  const t = TARGETS[r.members];
  const incTarget = r.members === INCREMENTAL_TARGET.members ? INCREMENTAL_TARGET.seconds : null;
  const full = r.full?.result;
  const inc = r.incremental?.result;
  return {
    target: [t ? `≤${t.seconds} s, ≤${t.rssMb} MB` : '', incTarget ? `incr <${incTarget} s` : ''].filter(Boolean).join(', ') || '-',
    time: t && full ? full.seconds <= t.seconds : null,
    rss: t && full ? full.stats.maxRss / 1024 / 1024 <= t.rssMb : null,
    incremental: incTarget !== null && inc ? inc.seconds < incTarget : null,
  };
}
