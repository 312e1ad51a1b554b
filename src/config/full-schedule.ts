import { validate as validCron } from 'node-cron';

// A periodic full read finds drift delta cycles cannot see (another source's change, an IdP that lost one).

export type FullSchedule = { kind: 'interval'; ms: number } | { kind: 'cron'; expression: string };

export const DEFAULT_FULL_SCHEDULE = '24h';

const INTERVAL = /^(\d+)\s*(s|m|h|d)$/;
const UNIT_MS = { s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 } as const;

/** Null for an interval under a minute. */
export function parseFullSchedule(text: string): FullSchedule | null {
  const interval = INTERVAL.exec(text.trim());
  if (interval) {
    const ms = Number(interval[1]) * UNIT_MS[interval[2] as keyof typeof UNIT_MS];
    return ms >= 60_000 ? { kind: 'interval', ms } : null;
  }
  return validCron(text) ? { kind: 'cron', expression: text } : null;
}

/** Why the next cycle must read everything; null to use the delta. */
export function fullReadDue(state: { cursor: string | null; lastFullAt: string | null; fullDue: string | null }, schedule: FullSchedule, now: Date): string | null {
  if (state.cursor === null) return 'there is no delta cursor yet';
  if (state.fullDue !== null) return state.fullDue;
  if (schedule.kind === 'interval') {
    const last = state.lastFullAt === null ? Number.NaN : Date.parse(state.lastFullAt);
    if (!Number.isFinite(last)) return 'no full read has been recorded yet';
    if (now.getTime() - last >= schedule.ms) return `the last full read was at ${state.lastFullAt} (fullSchedule ${formatInterval(schedule.ms)})`;
  }
  return null;
}

function formatInterval(ms: number): string {
  for (const [unit, size] of [['d', UNIT_MS.d], ['h', UNIT_MS.h], ['m', UNIT_MS.m]] as const) if (ms % size === 0) return `${ms / size}${unit}`;
  return `${ms / 1000}s`;
}
