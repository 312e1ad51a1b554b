import { describe, expect, it } from 'vitest';
import { copyText } from '../../../src/store/dialect/postgres/copy-text.js';

describe('copyText (COPY … FROM STDIN, text format)', () => {
  it('writes one tab-separated line per row, in the given column order, \\N for null or missing', () => {
    expect(copyText(['a', 'b', 'c'], [{ c: 3, a: 'x', b: null }, { a: 'y' }])).toBe('x\t\\N\t3\ny\t\\N\t\\N\n');
  });

  it('escapes exactly backslash, tab, newline and carriage return', () => {
    expect(copyText(['v'], [{ v: 'a\\b\tc\nd\re' }])).toBe('a\\\\b\\tc\\nd\\re\n');
    // Everything else as is: quotes, commas, braces, COPY's null marker spelled as text is escaped by its backslash.
    expect(copyText(['v'], [{ v: `"q",{x} Zoë 🙂` }, { v: '\\N' }])).toBe(`"q",{x} Zoë 🙂\n\\\\N\n`);
  });

  it('keeps an empty string apart from null, and writes numbers and booleans', () => {
    expect(copyText(['s', 'n', 'b'], [{ s: '', n: 0, b: false }, { s: null, n: -12.5, b: true }])).toBe('\t0\tf\n\\N\t-12.5\tt\n');
  });

  it('is empty for no rows, and refuses values it cannot spell', () => {
    expect(copyText(['a'], [])).toBe('');
    expect(() => copyText(['a'], [{ a: { nested: true } }])).toThrow(/string, number, boolean or null/);
  });
});
