/** How failed deliveries are retried. */
export interface RetrySchedule {
  /** The wait before the first retry; each further failure waits GROWTH times longer. */
  initialMs: number;
  /** No backoff wait is longer (a Retry-After may ask for more, up to MAX_RETRY_AFTER_MS). */
  maxMs: number;
  /** How long one event is retried, from its first failure, before the endpoint is marked failing. */
  windowMs: number;
}

/** 5 s, 30 s, 3 min, 18 min, then the cap (1 h by default). */
const GROWTH = 6;

/** Each wait is drawn from ±20% of its nominal length, so endpoints that failed together do not retry in step. */
const JITTER = 0.2;

/** The longest Retry-After honoured: a receiver cannot park an endpoint for longer than a day. */
const MAX_RETRY_AFTER_MS = 86_400_000;

/**
 * Milliseconds to wait after failed attempt number `attempts` (1 after the first failure): exponential with jitter,
 * and never shorter than what the receiver asked for with Retry-After.
 */
export function retryDelayMs(attempts: number, schedule: RetrySchedule, retryAfterMs: number | null = null, random: () => number = Math.random): number {
  const nominal = Math.min(schedule.initialMs * GROWTH ** Math.max(0, attempts - 1), schedule.maxMs);
  const jittered = Math.round(nominal * (1 - JITTER + 2 * JITTER * random()));
  return retryAfterMs === null ? jittered : Math.max(jittered, Math.min(retryAfterMs, MAX_RETRY_AFTER_MS));
}

/** A Retry-After header (seconds, or an HTTP date) in milliseconds from `now`; null when absent or unreadable. */
export function parseRetryAfter(header: string | null, now: number): number | null {
  if (header === null || header.trim() === '') return null;
  const text = header.trim();
  if (/^\d+$/.test(text)) return Number(text) * 1000;
  const at = Date.parse(text);
  return Number.isFinite(at) ? Math.max(0, at - now) : null;
}
