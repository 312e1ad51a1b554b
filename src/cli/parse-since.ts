import { RosterdError } from '../error/rosterd-error.js';

const UNITS: Record<string, number> = { s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/** `--since 2026-11-23T10:00:00Z` or a duration back from now: `30m`, `2h`, `7d`. */
export function parseSince(text: string, now: Date): string {
  const duration = /^(\d+)([smhd])$/.exec(text.trim());
  if (duration) return new Date(now.getTime() - Number(duration[1]) * UNITS[duration[2]!]!).toISOString();
  const at = Date.parse(text);
  if (Number.isNaN(at)) throw new RosterdError('ROSTERD_E_USAGE', `--since: "${text}" is neither an ISO time (2026-11-23T10:00:00Z) nor a duration (30m, 2h, 7d)`);
  return new Date(at).toISOString();
}
