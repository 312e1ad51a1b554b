import { describe, expect, it } from 'vitest';
import { timeOrderedId } from '../../../src/model/time-ordered-id.js';

describe('timeOrderedId', () => {
  it('is a version 7, RFC 9562 variant UUID carrying the time in its first 48 bits', () => {
    const id = timeOrderedId(Date.UTC(2026, 10, 23));
    expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(parseInt(id.replace(/-/g, '').slice(0, 12), 16)).toBe(Date.UTC(2026, 10, 23));
  });

  it('sorts by time and is unique within one millisecond, across refills of its random pool', () => {
    const early = timeOrderedId(1_000);
    const late = timeOrderedId(2_000);
    expect(early < late).toBe(true);
    const same = new Set(Array.from({ length: 10_000 }, () => timeOrderedId(5_000)));
    expect(same.size).toBe(10_000);
  });
});
