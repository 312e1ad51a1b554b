import fc from 'fast-check';
import { DEFAULT_SCIM_BUDGETS as B } from '../../src/scim/scim-budgets.js';

/** A value the fuzz suite puts in password attributes: no response detail may ever contain it. */
export const SECRET_MARKER = 'Fz-s3cret-marker';

/** Characters that break naive handling: astral, lone surrogates, right-to-left, zero-width, NUL and controls. */
const AWKWARD = ['😀', '𝒜', '\uD800', '\uDC00', '\uDBFF\uDFFF', '\u202E', 'مرحبا', '\u200B', '\u200D', '\uFEFF', '\u0000', '\u0007', '\n', '\t', '"', '\\', '%', "'", '*', '\u00E9', 'e\u0301'];

/** A string with awkward characters mixed into ordinary text. */
export const awkwardString = (): fc.Arbitrary<string> =>
  fc.array(fc.oneof(fc.constantFrom(...AWKWARD), fc.string({ maxLength: 8 }), fc.string({ unit: 'binary', maxLength: 4 })), { maxLength: 12 }).map((parts) => parts.join(''));

/** Exactly `length` characters of one kind (one UTF-16 unit, or a four-byte astral character each). */
const sized = (length: number, unit: 'a' | '😀' | 'é') => unit.repeat(length);

/** Strings at and just past a character budget, in one-, two- and four-byte characters. */
export const aroundLimit = (limit: number): fc.Arbitrary<string> =>
  fc.tuple(fc.constantFrom(limit - 1, limit, limit + 1, limit * 8), fc.constantFrom<'a' | '😀' | 'é'>('a', '😀', 'é')).map(([n, unit]) => sized(n, unit));

/** Any string a fuzzed attribute may hold: mostly short and odd, sometimes at the size budgets. */
export const fuzzString = (): fc.Arbitrary<string> =>
  fc.oneof(
    { weight: 6, arbitrary: awkwardString() },
    { weight: 3, arbitrary: fc.string({ maxLength: 20 }) },
    { weight: 1, arbitrary: aroundLimit(B.identifierLength) },
    { weight: 1, arbitrary: aroundLimit(B.stringLength) },
  );
