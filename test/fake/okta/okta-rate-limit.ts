/**
 * Okta's per-endpoint rate-limit buckets: every response carries X-Rate-Limit-Limit, -Remaining
 * and -Reset (UTC epoch seconds of the window's end). The fake counts requests per route in fixed windows; it
 * answers 429 on exhaustion only when `enforce` is on, so benchmarks are not throttled by accident.
 */
export interface RateLimitOptions {
  limit: number;
  windowSeconds: number;
  enforce: boolean;
}

export interface RateLimitState {
  limit: number;
  remaining: number;
  /** Epoch seconds. */
  reset: number;
  exceeded: boolean;
}

export class RateLimiter {
  private readonly windows = new Map<string, { start: number; used: number }>();

  options: RateLimitOptions;

  constructor(private readonly initial: RateLimitOptions = { limit: 6000, windowSeconds: 60, enforce: false }) {
    this.options = { ...initial };
  }

  /** Fresh windows and the options the fake was created with. */
  reset(): void {
    this.windows.clear();
    this.options = { ...this.initial };
  }

  consume(bucket: string, nowMs: number): RateLimitState {
    const { limit, windowSeconds, enforce } = this.options;
    const nowS = Math.floor(nowMs / 1000);
    let window = this.windows.get(bucket);
    if (!window || nowS >= window.start + windowSeconds) {
      window = { start: nowS, used: 0 };
      this.windows.set(bucket, window);
    }
    window.used++;
    const exceeded = enforce && window.used > limit;
    return { limit, remaining: Math.max(0, limit - window.used), reset: window.start + windowSeconds, exceeded };
  }
}
