import fc from 'fast-check';
import { DEFAULT_SCIM_BUDGETS as B } from '../../src/scim/scim-budgets.js';
import { fuzzString } from './fuzz-strings.js';

/** Nestings around the JSON depth budget, and far past it (a recursive parser would overflow the stack). */
export const NESTINGS = [B.jsonDepth - 2, B.jsonDepth, B.jsonDepth + 1, 1_000, 10_000];

/** `depth` arrays or objects inside each other, as JSON text. */
export function nestedJson(depth: number, kind: 'array' | 'object', inner = '1'): string {
  return kind === 'array' ? `${'['.repeat(depth)}${inner}${']'.repeat(depth)}` : `${'{"a":'.repeat(depth)}${inner}${'}'.repeat(depth)}`;
}

/** Any JSON value: odd strings, odd numbers, empty containers, small nested ones and lists of multi-valued entries. */
export const jsonValue = (): fc.Arbitrary<unknown> =>
  fc.oneof(
    { weight: 4, arbitrary: fuzzString() },
    { weight: 2, arbitrary: fc.oneof(fc.integer(), fc.double(), fc.constantFrom(0, -1, 1e308, -0, 2 ** 53 + 1)) },
    { weight: 2, arbitrary: fc.constantFrom(null, true, false, [], {}, [null], [{}], '') },
    { weight: 2, arbitrary: fc.jsonValue({ maxDepth: 3 }) },
    { weight: 1, arbitrary: fc.array(fc.record({ value: fuzzString(), type: fuzzString(), primary: fc.boolean() }, { requiredKeys: [] }), { maxLength: 4 }) },
  );

/** JSON text that is not valid JSON, or valid JSON that is not an object. */
export const brokenJson = (): fc.Arbitrary<string> =>
  fc.oneof(
    fc.constantFrom('', ' ', '{', '}', '{"userName":}', '{"a":1,}', "{'userName':'x'}", '\uFEFF{}', '{"a":1}{"b":2}', 'null', '[]', '42', '"text"', 'true', '{"a":"\\ud800"}', '{"a":"\\u0000"}', '{"__proto__":{"x":1}}', '{"constructor":{"prototype":{}}}', 'NaN', '{"a":1e999}', '{"a":-}', '{"a":"unterminated}'),
    fc.string({ maxLength: 40 }),
    fc.string({ unit: 'binary', maxLength: 40 }),
    fc.jsonValue({ maxDepth: 2 }).map((v) => JSON.stringify(v).slice(0, -1)),
    fc.constantFrom(...NESTINGS).chain((depth) => fc.constantFrom(`${'['.repeat(depth)}`, `${'{"a":'.repeat(depth)}`, nestedJson(depth, 'array'), nestedJson(depth, 'object'))),
  );
