import { describe, expect, it } from 'vitest';
import { normalizeFilter, normalizePathFilter } from '../../../../src/scim/compat/normalize-filter.js';
import { chainOperands } from '../../../../src/scim/filter/chain-operands.js';
import { matchesFilter } from '../../../../src/scim/filter/evaluate-filter.js';
import type { FilterNode } from '../../../../src/scim/filter/filter-ast.js';
import type { FilterBudgets } from '../../../../src/scim/filter/filter-budgets.js';
import { parseFilter } from '../../../../src/scim/filter/parse-filter.js';
import { parsePatchPath } from '../../../../src/scim/filter/parse-path.js';
import { DEFAULT_SCIM_BUDGETS } from '../../../../src/scim/scim-budgets.js';
import { ScimError } from '../../../../src/scim/scim-error.js';
import { refusal } from '../../../support/refusal.js';

const DEFAULTS: FilterBudgets = DEFAULT_SCIM_BUDGETS;
/** Length out of the way, to reach the other budgets with inputs far over them. */
const LONG: FilterBudgets = { ...DEFAULTS, filterLength: 1_000_000 };

const term = (i: number) => `userName eq "u${i}"`;
const chain = (n: number, op: 'and' | 'or', make = term) => Array.from({ length: n }, (_, i) => make(i)).join(` ${op} `);
const parens = (n: number) => `${'('.repeat(n)}${term(0)}${')'.repeat(n)}`;
const nots = (n: number) => `${'not ('.repeat(n)}${term(0)}${')'.repeat(n)}`;
/** A filter of exactly `length` characters. */
const ofLength = (length: number) => `userName eq "${'a'.repeat(length - 'userName eq ""'.length)}"`;


function expectOver(error: ScimError, budget: keyof FilterBudgets, scimType: string) {
  expect(error.status).toBe(400);
  expect(error.scimType).toBe(scimType);
  expect(error.detail).toContain(`scim.budgets.${budget}`);
  expect(error.detail).not.toContain('aaaaaaaaaa');
}

describe('filter budgets at their boundaries', () => {
  it('filterLength: exactly the limit parses, one character more is refused before tokenizing', () => {
    expect(ofLength(DEFAULTS.filterLength)).toHaveLength(4_096);
    expect(parseFilter(ofLength(DEFAULTS.filterLength))).toMatchObject({ op: 'eq' });
    const error = refusal(() => parseFilter(ofLength(DEFAULTS.filterLength + 1)));
    expectOver(error, 'filterLength', 'invalidFilter');
    expect(error.detail).toContain('4097 characters');
    // An unterminated string over the limit is refused for its length, not for its syntax.
    expectOver(refusal(() => parseFilter(`userName eq "${'a'.repeat(5_000)}`)), 'filterLength', 'invalidFilter');
  });

  it('filterDepth: parentheses, "not (" and "[" each count one level', () => {
    expect(parseFilter(parens(16))).toMatchObject({ op: 'eq' });
    expectOver(refusal(() => parseFilter(parens(17))), 'filterDepth', 'invalidFilter');
    expect(parseFilter(nots(16))).toMatchObject({ op: 'not' });
    expectOver(refusal(() => parseFilter(nots(17))), 'filterDepth', 'invalidFilter');
    const valueFilter = (n: number) => `${'('.repeat(n)}emails[type eq "work"]${')'.repeat(n)}`;
    expect(parseFilter(valueFilter(15))).toMatchObject({ op: 'valuePath' });
    const error = refusal(() => parseFilter(valueFilter(16)));
    expectOver(error, 'filterDepth', 'invalidFilter');
    expect(error.detail).toContain('nesting 17 deep');
  });

  it('filterDepth: an and/or chain is not nesting', () => {
    expect(parseFilter(chain(100, 'or'))).toMatchObject({ op: 'or' });
    expect(parseFilter(chain(100, 'and'))).toMatchObject({ op: 'and' });
  });

  it('filterTerms: comparisons and pr count, in value filters too', () => {
    expect(parseFilter(chain(100, 'or'))).toMatchObject({ op: 'or' });
    const error = refusal(() => parseFilter(chain(101, 'or')));
    expectOver(error, 'filterTerms', 'invalidFilter');
    expect(error.detail).toContain('comparison number 101');
    const three: FilterBudgets = { ...DEFAULTS, filterTerms: 3 };
    expect(parseFilter('title pr and emails[type eq "work"].value eq "a@x"', three)).toMatchObject({ op: 'and' });
    expectOver(refusal(() => parseFilter('title pr and emails[type eq "work" or type pr].value eq "a@x"', three)), 'filterTerms', 'invalidFilter');
  });

  it('substringTerms: co, sw and ew count together, refused with tooMany', () => {
    const substrings = (n: number) => chain(n, 'or', (i) => `userName ${['co', 'sw', 'ew'][i % 3]} "x"`);
    expect(parseFilter(substrings(4))).toMatchObject({ op: 'or' });
    const error = refusal(() => parseFilter(substrings(5)));
    expectOver(error, 'substringTerms', 'tooMany');
    expect(error.detail).toContain('co, sw or ew comparison number 5');
    expect(parseFilter(`${substrings(4)} or ${chain(96, 'or')}`)).toMatchObject({ op: 'or' });
  });
});

describe('inputs that overflowed the stack or the database are refused', () => {
  it.each([
    ['10,000 nested parentheses', parens(10_000), 'filterDepth'],
    ['"not (" nested 1,000 times', nots(1_000), 'filterDepth'],
    ['an or-chain of 1,000 terms', chain(1_000, 'or'), 'filterTerms'],
    ['an or-chain of 10,000 terms', chain(10_000, 'or'), 'filterTerms'],
    ['an and-chain of 10,000 terms', chain(10_000, 'and'), 'filterTerms'],
  ] as const)('%s: over filterLength by default, and over %s when the length allows it', (_, text, budget) => {
    expectOver(refusal(() => parseFilter(text)), 'filterLength', 'invalidFilter');
    expectOver(refusal(() => parseFilter(text, LONG)), budget, 'invalidFilter');
  });
});

describe('a PATCH path is held to the filter budgets', () => {
  it('refuses a value filter over a budget with the budget named', () => {
    expect(parsePatchPath(`emails[${chain(100, 'or', (i) => `type eq "t${i}"`)}].value`)).toMatchObject({ attribute: 'emails', subAttribute: 'value' });
    expectOver(refusal(() => parsePatchPath(`emails[${chain(101, 'or', (i) => `type eq "t${i}"`)}].value`)), 'filterTerms', 'invalidFilter');
    expect(parsePatchPath(`emails[${parens(15)}]`)).toMatchObject({ attribute: 'emails' });
    expectOver(refusal(() => parsePatchPath(`emails[${parens(16)}]`)), 'filterDepth', 'invalidFilter');
    expectOver(refusal(() => parsePatchPath(`emails[${chain(5, 'or', () => 'value co "x"')}]`)), 'substringTerms', 'tooMany');
    expectOver(refusal(() => parsePatchPath(`members[value eq "${'a'.repeat(5_000)}"]`)), 'filterLength', 'invalidFilter');
  });

  it('takes the budgets it is given', () => {
    expectOver(refusal(() => parsePatchPath('emails[type eq "a" or type eq "b"]', { ...DEFAULTS, filterTerms: 1 })), 'filterTerms', 'invalidFilter');
    expect(parsePatchPath(`members[value eq "${'a'.repeat(5_000)}"]`, LONG)).toMatchObject({ attribute: 'members' });
  });
});

describe('walkers over long chains', () => {
  /** A chain built without the parser, as deep as a walker recursing per term could not go. */
  const leftDeep = (n: number, op: 'and' | 'or', make: (i: number) => FilterNode): FilterNode => {
    let node = make(0);
    for (let i = 1; i < n; i++) node = { op, left: node, right: make(i) };
    return node;
  };
  const rightDeep = (n: number, op: 'and' | 'or', make: (i: number) => FilterNode): FilterNode => {
    let node = make(n - 1);
    for (let i = n - 2; i >= 0; i--) node = { op, left: make(i), right: node };
    return node;
  };
  const eq = (i: number): FilterNode => ({ op: 'eq', path: { attribute: 'title' }, value: `t${i}` });

  it('chainOperands lists a chain left to right, whichever way it leans, without opening the other operator', () => {
    const operands = chainOperands(leftDeep(100_000, 'or', eq) as Extract<FilterNode, { op: 'or' }>);
    expect(operands).toHaveLength(100_000);
    expect(operands[0]).toEqual(eq(0));
    expect(operands[99_999]).toEqual(eq(99_999));
    expect(chainOperands(rightDeep(3, 'or', eq) as Extract<FilterNode, { op: 'or' }>)).toEqual([eq(0), eq(1), eq(2)]);
    const mixed = parseFilter('title eq "a" or title eq "b" and title eq "c" or title eq "d"') as Extract<FilterNode, { op: 'or' }>;
    expect(chainOperands(mixed).map((n) => n.op)).toEqual(['eq', 'and', 'eq']);
  });

  it('matchesFilter evaluates 100,000-term chains of either leaning', () => {
    expect(matchesFilter(leftDeep(100_000, 'or', eq), { title: 't99999' })).toBe(true);
    expect(matchesFilter(rightDeep(100_000, 'or', eq), { title: 'none' })).toBe(false);
    expect(matchesFilter(leftDeep(100_000, 'and', () => eq(7)), { title: 't7' })).toBe(true);
  });
});

describe('the compat normaliser on text of any size', () => {
  it('quotes every unquoted value of a very long filter and nests nothing', () => {
    const text = chain(50_000, 'or', (i) => `externalId eq u${i}`);
    const normalised = normalizeFilter(text);
    expect(normalised).toBe(chain(50_000, 'or', (i) => `externalId eq "u${i}"`));
    expect(normalizeFilter(parens(100_000).replace('"u0"', 'u0'))).toBe(parens(100_000));
    expect(normalizePathFilter(`members[${chain(20_000, 'or', (i) => `value eq u${i}`)}]`)).toBe(`members[${chain(20_000, 'or', (i) => `value eq "u${i}"`)}]`);
  });
});
