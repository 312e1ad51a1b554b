import { describe, expect, it } from 'vitest';
import { eventMatches, parseEventPatterns } from '../../../src/webhooks/event-patterns.js';
import { parseRetryAfter, retryDelayMs } from '../../../src/webhooks/retry-schedule.js';

const schedule = { initialMs: 5_000, maxMs: 3_600_000, windowMs: 3 * 86_400_000 };
const middle = () => 0.5;

describe('retry schedule', () => {
  it('waits 5 s, 30 s, 3 min, 18 min, then an hour at most', () => {
    expect([1, 2, 3, 4, 5, 6, 20].map((n) => retryDelayMs(n, schedule, null, middle))).toEqual([5_000, 30_000, 180_000, 1_080_000, 3_600_000, 3_600_000, 3_600_000]);
  });

  it('jitters each wait within ±20%', () => {
    expect(retryDelayMs(1, schedule, null, () => 0)).toBe(4_000);
    expect(retryDelayMs(1, schedule, null, () => 0.999_999)).toBe(6_000);
  });

  it('never retries sooner than Retry-After asks, up to a day', () => {
    expect(retryDelayMs(1, schedule, 120_000, middle)).toBe(120_000);
    expect(retryDelayMs(3, schedule, 1_000, middle)).toBe(180_000);
    expect(retryDelayMs(1, schedule, 10 * 86_400_000, middle)).toBe(86_400_000);
  });

  it('reads Retry-After as seconds or an HTTP date', () => {
    const now = Date.parse('2026-12-07T10:00:00Z');
    expect(parseRetryAfter('120', now)).toBe(120_000);
    expect(parseRetryAfter('Mon, 07 Dec 2026 10:01:00 GMT', now)).toBe(60_000);
    expect(parseRetryAfter('soon', now)).toBeNull();
    expect(parseRetryAfter(null, now)).toBeNull();
  });
});

describe('event patterns', () => {
  it('matches exact types and prefixes; * or nothing is every event', () => {
    const patterns = parseEventPatterns('member.*, group.member_added');
    expect(eventMatches(patterns, 'member.removed')).toBe(true);
    expect(eventMatches(patterns, 'group.member_added')).toBe(true);
    expect(eventMatches(patterns, 'group.created')).toBe(false);
    expect(parseEventPatterns('*')).toBeNull();
    expect(parseEventPatterns(undefined)).toBeNull();
  });

  it('refuses a pattern that matches no event type', () => {
    expect(() => parseEventPatterns('member.*,users.*')).toThrow(/"users.\*" matches no event type/);
    expect(() => parseEventPatterns('member.create')).toThrow(/matches no event type/);
  });
});
