import { describe, expect, it } from 'vitest';
import { parseFilter } from '../../../../src/scim/filter/parse-filter.js';
import { ScimError } from '../../../../src/scim/scim-error.js';

const ENTERPRISE = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';

function syntaxError(text: string): ScimError {
  try {
    parseFilter(text);
  } catch (error) {
    expect(error).toBeInstanceOf(ScimError);
    return error as ScimError;
  }
  throw new Error(`expected ${JSON.stringify(text)} to be refused`);
}

describe('parseFilter: comparisons', () => {
  it.each(['eq', 'ne', 'co', 'sw', 'ew', 'gt', 'ge', 'lt', 'le'] as const)('parses %s', (op) => {
    expect(parseFilter(`title ${op} "x"`)).toEqual({ op, path: { attribute: 'title' }, value: 'x' });
  });

  it('parses operators and keywords in any case', () => {
    expect(parseFilter('userName EQ "a" And active Eq TRUE')).toEqual({
      op: 'and',
      left: { op: 'eq', path: { attribute: 'userName' }, value: 'a' },
      right: { op: 'eq', path: { attribute: 'active' }, value: true },
    });
  });

  it('parses pr', () => {
    expect(parseFilter('title pr')).toEqual({ op: 'pr', path: { attribute: 'title' } });
  });

  it('parses JSON values: escapes, numbers, booleans and null', () => {
    expect(parseFilter(String.raw`displayName eq "Say \"hi\" \u00e9\\"`)).toMatchObject({ value: 'Say "hi" é\\' });
    expect(parseFilter('urn:x:creditLimit ge -12.5e2')).toMatchObject({ value: -1250 });
    expect(parseFilter('externalId eq 12345')).toMatchObject({ value: 12345 });
    expect(parseFilter('active eq false')).toMatchObject({ value: false });
    expect(parseFilter('title eq null')).toMatchObject({ value: null });
  });

  it('parses dotted sub-attributes', () => {
    expect(parseFilter('name.familyName co "O\'Malley"')).toEqual({ op: 'co', path: { attribute: 'name', subAttribute: 'familyName' }, value: "O'Malley" });
    expect(parseFilter('meta.lastModified gt "2011-05-13T04:42:34Z"')).toMatchObject({ path: { attribute: 'meta', subAttribute: 'lastModified' } });
  });

  it('parses URN-prefixed paths', () => {
    expect(parseFilter('urn:ietf:params:scim:schemas:core:2.0:User:userName sw "J"')).toEqual({
      op: 'sw',
      path: { uri: 'urn:ietf:params:scim:schemas:core:2.0:User', attribute: 'userName' },
      value: 'J',
    });
    expect(parseFilter(`${ENTERPRISE}:manager.value eq "26118915-6090-4610-87e4-49d8ca9f808d"`)).toMatchObject({
      path: { uri: ENTERPRISE, attribute: 'manager', subAttribute: 'value' },
    });
  });

  it('accepts the $ref sub-attribute name', () => {
    expect(parseFilter('members.$ref pr')).toEqual({ op: 'pr', path: { attribute: 'members', subAttribute: '$ref' } });
  });
});

describe('parseFilter: logic', () => {
  const a = { op: 'eq', path: { attribute: 'a' }, value: 1 };
  const b = { op: 'eq', path: { attribute: 'b' }, value: 2 };
  const c = { op: 'eq', path: { attribute: 'c' }, value: 3 };

  it('binds and tighter than or', () => {
    expect(parseFilter('a eq 1 or b eq 2 and c eq 3')).toEqual({ op: 'or', left: a, right: { op: 'and', left: b, right: c } });
    expect(parseFilter('a eq 1 and b eq 2 or c eq 3')).toEqual({ op: 'or', left: { op: 'and', left: a, right: b }, right: c });
  });

  it('is left-associative', () => {
    expect(parseFilter('a eq 1 or b eq 2 or c eq 3')).toEqual({ op: 'or', left: { op: 'or', left: a, right: b }, right: c });
  });

  it('honours parentheses', () => {
    expect(parseFilter('(a eq 1 or b eq 2) and c eq 3')).toEqual({ op: 'and', left: { op: 'or', left: a, right: b }, right: c });
    expect(parseFilter('((a eq 1))')).toEqual(a);
  });

  it('binds not tightest', () => {
    expect(parseFilter('not (a eq 1) and b eq 2')).toEqual({ op: 'and', left: { op: 'not', expr: a }, right: b });
    expect(parseFilter('NOT(a eq 1 or b eq 2)')).toEqual({ op: 'not', expr: { op: 'or', left: a, right: b } });
  });

  it('parses the Microsoft reference collection filter', () => {
    expect(parseFilter('(ActiVe eq true) and meta.lastmodified ge "2020-01-01T00:00:00Z"')).toMatchObject({
      op: 'and',
      left: { op: 'eq', path: { attribute: 'ActiVe' }, value: true },
      right: { op: 'ge', path: { attribute: 'meta', subAttribute: 'lastmodified' } },
    });
  });
});

describe('parseFilter: value filters', () => {
  it('parses a value filter with a logical expression inside', () => {
    expect(parseFilter('emails[type eq "work" and value co "@example.com"]')).toEqual({
      op: 'valuePath',
      path: { attribute: 'emails' },
      filter: {
        op: 'and',
        left: { op: 'eq', path: { attribute: 'type' }, value: 'work' },
        right: { op: 'co', path: { attribute: 'value' }, value: '@example.com' },
      },
    });
  });

  it('combines value filters with other expressions', () => {
    expect(parseFilter('userType eq "Employee" and (emails co "example.com" or emails.value co "example.org")')).toMatchObject({ op: 'and' });
    expect(parseFilter('emails[type eq "work"] and not (emails[primary eq true])')).toMatchObject({
      op: 'and',
      left: { op: 'valuePath' },
      right: { op: 'not', expr: { op: 'valuePath' } },
    });
  });

  it("reads Entra's emails[type eq \"work\"].value eq \"x\" as one value filter", () => {
    expect(parseFilter('emails[type eq "work"].value eq "a@x.com"')).toEqual({
      op: 'valuePath',
      path: { attribute: 'emails' },
      filter: {
        op: 'and',
        left: { op: 'eq', path: { attribute: 'type' }, value: 'work' },
        right: { op: 'eq', path: { attribute: 'value' }, value: 'a@x.com' },
      },
    });
    expect(parseFilter('emails[type eq "work"].value pr')).toMatchObject({ filter: { right: { op: 'pr', path: { attribute: 'value' } } } });
  });

  it('parses a URN-prefixed value filter', () => {
    expect(parseFilter('urn:ietf:params:scim:schemas:core:2.0:User:emails[type eq "work"]')).toMatchObject({
      op: 'valuePath',
      path: { uri: 'urn:ietf:params:scim:schemas:core:2.0:User', attribute: 'emails' },
    });
  });
});

describe('parseFilter: errors', () => {
  it('names the missing operator and its position', () => {
    const error = syntaxError('userName "x"');
    expect(error.status).toBe(400);
    expect(error.scimType).toBe('invalidFilter');
    expect(error.detail).toBe(
      'filter: expected a comparison operator (eq, ne, co, sw, ew, gt, ge, lt, le or pr) after "userName" at position 9, got the string "x"',
    );
  });

  it('refuses unquoted string values with a hint', () => {
    expect(syntaxError('externalId eq jyoung').detail).toBe(
      'filter: expected a value (a "quoted string", a number, true, false or null) after "eq" at position 14, got jyoung; string values must be in double quotes',
    );
  });

  it.each([
    ['', 'filter: the filter is empty'],
    ['userName eq', 'after "eq" at position 11, got the end of the text'],
    ['userName eq "x" and', 'expected an attribute name, "not" or "(" at position 19'],
    ['userName eq "x" userName eq "y"', 'expected "and", "or" or the end of the filter at position 16'],
    ['(userName eq "x"', 'filter: expected ")" at position 16 to close the "(" at position 0, got the end of the text'],
    ['not userName eq "x"', 'expected "(" after "not" at position 4'],
    ['userName eq "x', 'unterminated string starting at position 12'],
    ['userName eq "\\q"', 'invalid escape in the string starting at position 12'],
    ["userName eq 'x'", 'unexpected character "\'" at position 12; string values take double quotes'],
    ['userName = "x"', 'unexpected character "=" at position 9'],
    ['emails[type eq "work"', 'expected "]" at position 21 to close the "[" at position 6'],
    ['emails[type eq "work" and x[y eq 1]]', 'value filters cannot be nested, at position 27'],
    ['name.givenName[x eq 1]', 'a value filter must follow a multi-valued attribute'],
    ['a.b.c eq 1', 'expected an attribute path such as userName'],
    ['1abc eq 1', 'expected an attribute path'],
    ['emails[type eq "work"].1 eq "x"', 'expected a sub-attribute name after "]." at position 23'],
    ['title eq 01', 'got 01'],
  ])('%j is refused', (text, message) => {
    expect(syntaxError(text).detail).toContain(message);
  });
});
