import { describe, expect, it } from 'vitest';
import { normalizeDateTime } from '../../../../src/scim/filter/normalize-date-time.js';

describe('normalizeDateTime', () => {
  it.each([
    ['2026-11-23T15:00:00Z', '2026-11-23T15:00:00.000Z'],
    ['2026-11-23T15:00:00.5Z', '2026-11-23T15:00:00.500Z'],
    ['2026-11-23T16:00:00+01:00', '2026-11-23T15:00:00.000Z'],
    ['2026-11-23T15:00:00', '2026-11-23T15:00:00.000Z'],
    ['2026-11-23T15:00', '2026-11-23T15:00:00.000Z'],
    ['2026-11-23', '2026-11-23T00:00:00.000Z'],
  ])('%s → %s', (text, iso) => {
    expect(normalizeDateTime(text)).toBe(iso);
  });

  it.each(['yesterday', '2026-02-30', '2026-13-01', '2026-11-23T25:00:00Z', '23/11/2026', ''])('%j is not a date-time', (text) => {
    expect(normalizeDateTime(text)).toBeUndefined();
  });
});
