import fc from 'fast-check';
import { DEFAULT_SCIM_BUDGETS as B } from '../../src/scim/scim-budgets.js';
import { fuzzString } from './fuzz-strings.js';

const ATTRIBUTES = [
  'userName', 'externalId', 'id', 'displayName', 'active', 'title', 'emails', 'emails.value', 'emails.type', 'emails.primary', 'name.givenName', 'name.familyName',
  'meta.lastModified', 'meta.created', 'meta.resourceType', 'members', 'members.value', 'groups', 'groups.value', 'roles.value', 'phoneNumbers.value',
  'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:employeeNumber', 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager.value',
  'urn:rosterd:params:scim:schemas:extension:workspace:2.0:User:role', 'urn:ietf:params:scim:schemas:core:2.0:User:userName', 'unknown', 'a.b.c.d', 'USERNAME', '',
];
const OPERATORS = ['eq', 'ne', 'co', 'sw', 'ew', 'gt', 'ge', 'lt', 'le', 'EQ', 'Co', 'xx', '==', '=', 'like', ''];
const VALUES = ['"a"', '"user1@example.com"', '1', '-1', '1.5', '1e999', 'true', 'false', 'null', '"2026-01-01T00:00:00Z"', '"not a date"', '"', '"\\"', '"\\u0000"', '"%"', '"_"', '"*"', "'single'", 'unquoted', '[]', '{}'];
const TOKENS = ['(', ')', '[', ']', 'and', 'or', 'not', 'pr', '"', '.', ':', ' ', ...ATTRIBUTES.slice(0, 8), ...OPERATORS.slice(0, 9), ...VALUES.slice(0, 6)];

const quoted = (s: string) => JSON.stringify(s);
const value = () => fc.oneof({ weight: 4, arbitrary: fc.constantFrom(...VALUES) }, { weight: 1, arbitrary: fuzzString().map(quoted) });
const comparison = () =>
  fc.oneof(
    { weight: 5, arbitrary: fc.tuple(fc.constantFrom(...ATTRIBUTES), fc.constantFrom(...OPERATORS), value()).map(([a, o, v]) => `${a} ${o} ${v}`) },
    { weight: 1, arbitrary: fc.constantFrom(...ATTRIBUTES).map((a) => `${a} pr`) },
    { weight: 1, arbitrary: fc.tuple(fc.constantFrom('emails', 'members', 'groups', 'addresses'), fc.constantFrom(...OPERATORS), value()).map(([a, o, v]) => `${a}[type ${o} ${v}]`) },
  );

/** A filter from the grammar, nested a little: and, or, not, parentheses and value paths. */
const grammarFilter = fc.letrec<{ filter: string }>((tie) => ({
  filter: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    comparison(),
    fc.tuple(tie('filter'), fc.constantFrom('and', 'or', 'AND', 'Or', 'xor'), tie('filter')).map(([l, op, r]) => `${l} ${op} ${r}`),
    tie('filter').map((f) => `(${f})`),
    tie('filter').map((f) => `not (${f})`),
    fc.tuple(fc.constantFrom('emails', 'members', 'groups'), tie('filter')).map(([a, f]) => `${a}[${f}]`),
  ),
})).filter;

/** `n` comparisons joined by `op`; the first `substring` of them use `co`. */
export function chain(n: number, op: 'or' | 'and', substring = 0): string {
  return Array.from({ length: n }, (_, i) => (i < substring ? `userName co "u${i}"` : `userName eq "u${i}@example.com"`)).join(` ${op} `);
}

/** `depth` parentheses (or `not (`, or value-path brackets) around one comparison. */
export function nested(depth: number, open: '(' | 'not (' | 'emails[' = '('): string {
  const close = open === 'emails[' ? ']' : ')';
  const inner = open === 'emails[' ? 'value eq "x"' : 'userName eq "x"';
  return `${open.repeat(depth)}${inner}${close.repeat(depth)}`;
}

/** Filters of every shape: random token soup, the grammar, and the shapes at and past each filter budget. */
export const fuzzFilter = (): fc.Arbitrary<string> =>
  fc.oneof(
    { weight: 3, arbitrary: grammarFilter },
    { weight: 2, arbitrary: fc.array(fc.constantFrom(...TOKENS), { maxLength: 12 }).map((t) => t.join(' ')) },
    { weight: 1, arbitrary: fc.string({ maxLength: 30 }) },
    { weight: 1, arbitrary: fc.tuple(fc.constantFrom(B.filterDepth - 1, B.filterDepth, B.filterDepth + 1, 1_000, 10_000), fc.constantFrom<'(' | 'not (' | 'emails['>('(', 'not (', 'emails[')).map(([d, o]) => nested(d, o)) },
    { weight: 1, arbitrary: fc.tuple(fc.constantFrom(B.filterTerms - 1, B.filterTerms, B.filterTerms + 1, 1_000), fc.constantFrom<'or' | 'and'>('or', 'and')).map(([n, op]) => chain(n, op)) },
    { weight: 1, arbitrary: fc.constantFrom(B.substringTerms, B.substringTerms + 1, 50).map((n) => chain(n, 'or', n)) },
    { weight: 1, arbitrary: fc.constantFrom(B.filterLength - 1, B.filterLength, B.filterLength + 1, 100_000).map((n) => `userName eq "${'a'.repeat(Math.max(0, n - 14))}"`) },
  );
