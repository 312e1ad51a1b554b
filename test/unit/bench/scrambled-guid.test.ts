import { describe, expect, it } from 'vitest';
import { scrambledGuid, unscrambleGuid } from '../../../bench/connector/scrambled-guid.js';

/** The benchmark's Entra user ids: random-looking version-4 GUIDs that still say which planned user they are. */
describe('scrambled GUIDs', () => {
  it('gives each index its own version-4 GUID and reads the index back', () => {
    const seen = new Set<string>();
    for (const index of [...Array.from({ length: 50_000 }, (_, i) => i), 999_999, 1_009_999, 2 ** 48 - 1]) {
      const id = scrambledGuid(index);
      expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
      expect(unscrambleGuid(id)).toBe(index);
      seen.add(id);
    }
    expect(seen.size).toBe(50_003);
  });

  it('does not count up: neighbouring indexes share no prefix and sort in no particular order', () => {
    const ids = Array.from({ length: 1000 }, (_, i) => scrambledGuid(i));
    expect(new Set(ids.map((id) => id.slice(0, 2))).size).toBeGreaterThan(200);
    const sortedPositions = [...ids].sort().map((id) => ids.indexOf(id));
    expect(sortedPositions.filter((position, i) => position === i).length).toBeLessThan(10);
  });

  it('rejects ids it did not make', () => {
    const id = scrambledGuid(42);
    for (const other of ['b0000000-0000-4000-8000-000000000001', `${id.slice(0, 30)}zzzzzz`, `0${id.slice(1)}`, id.slice(0, 35), '00ubench00000000001a', '']) {
      expect(unscrambleGuid(other)).toBe(-1);
    }
  });
});
