export interface RetrySchedule {
  initialMs: number;
  /** A Retry-After may ask for more, up to MAX_RETRY_AFTER_MS. */
  maxMs: number;
  /** From an event's first failure until the endpoint is marked failing. */
  windowMs: number;
}

const GROWTH = 6;

/** ±20%, so endpoints that failed together do not retry in step. */
const JITTER = 0.2;

/** A receiver cannot park an endpoint for more than a day. */
const MAX_RETRY_AFTER_MS = 86_400_000;

/** Exponential with jitter, never shorter than Retry-After. */
export function retryDelayMs(attempts: number, schedule: RetrySchedule, retryAfterMs: number | null = null, random: () => number = Math.random): number {
  const nominal = Math.min(schedule.initialMs * GROWTH ** Math.max(0, attempts - 1), schedule.maxMs);
  const jittered = Math.round(nominal * (1 - JITTER + 2 * JITTER * random()));
  return retryAfterMs === null ? jittered : Math.max(jittered, Math.min(retryAfterMs, MAX_RETRY_AFTER_MS));
}

/** Null when absent or unreadable. */
export function parseRetryAfter(header: string | null, now: number): number | null {
  if (header === null || header.trim() === '') return null;
  const text = header.trim();
  if (/^\d+$/.test(text)) return Number(text) * 1000;
  const at = Date.parse(text);
  return Number.isFinite(at) ? Math.max(0, at - now) : null;
}
