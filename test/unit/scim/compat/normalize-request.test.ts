import { describe, expect, it } from 'vitest';
import { normalizePathFilter } from '../../../../src/scim/compat/normalize-filter.js';
import { normalizeQuery } from '../../../../src/scim/compat/normalize-query.js';
import { normalizeFilter, normalizeScimRequest } from '../../../../src/scim/compat/normalize-request.js';
import { ScimError } from '../../../../src/scim/scim-error.js';
import { keysDeep, loadFixtures, loadSequences, resourceTypeOf, stringsDeep } from './compat-fixture.js';

const PATCH = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';
const CORE_USER = 'urn:ietf:params:scim:schemas:core:2.0:User';

describe('normalizeFilter', () => {
  it.each([
    // Entra quirk 5: unquoted values are quoted
    ['externalId eq jyoung', 'externalId eq "jyoung"'],
    ['userName eq 5b5e0d7a-2f41-4c9e-a36b-8e0f1d2c7b94', 'userName eq "5b5e0d7a-2f41-4c9e-a36b-8e0f1d2c7b94"'],
    ['userName eq ana+scim@fabrikam.example', 'userName eq "ana+scim@fabrikam.example"'],
    ['emails.value eq first.last+tag@sub.example.co.uk', 'emails.value eq "first.last+tag@sub.example.co.uk"'],
    // numbers and literals stay unquoted; literals are lower-cased
    ['externalId eq 12345', 'externalId eq 12345'],
    ['externalId eq -1.5e3', 'externalId eq -1.5e3'],
    ['externalId eq 00919288221112222', 'externalId eq "00919288221112222"'],
    ['active eq true', 'active eq true'],
    ['active eq True', 'active eq true'],
    ['nickName eq NULL', 'nickName eq null'],
    // quoted strings are never touched, whatever they contain
    ['displayName eq "a eq b and c or d"', 'displayName eq "a eq b and c or d"'],
    ['displayName eq "say \\"hi\\" eq x"', 'displayName eq "say \\"hi\\" eq x"'],
    ['displayName eq "(paren] [bracket)"', 'displayName eq "(paren] [bracket)"'],
    ['displayName eq "back\\\\slash" and title eq boss', 'displayName eq "back\\\\slash" and title eq "boss"'],
    // logical operators, grouping, not
    ['userName eq jdoe and externalId eq jd1', 'userName eq "jdoe" and externalId eq "jd1"'],
    ['userName eq jdoe OR externalId eq "jd1"', 'userName eq "jdoe" OR externalId eq "jd1"'],
    ['(userName eq jdoe) and (externalId eq jd1)', '(userName eq "jdoe") and (externalId eq "jd1")'],
    ['not (userName eq jdoe)', 'not (userName eq "jdoe")'],
    ['(ActiVe eq true) and meta.lastmodified ge "2024-01-01T00:00:00Z"', '(ActiVe eq true) and meta.lastmodified ge "2024-01-01T00:00:00Z"'],
    ['title pr and userName sw J', 'title pr and userName sw "J"'],
    // value paths (Entra quirk 5: emails[type eq "work"].value eq "…")
    ['emails[type eq work].value eq a@b.example', 'emails[type eq "work"].value eq "a@b.example"'],
    ['emails[type eq "work" and value co "@x"]', 'emails[type eq "work" and value co "@x"]'],
    ['emails[type eq work and primary eq "True"]', 'emails[type eq "work" and primary eq true]'],
    // booleans compared as strings, only for active and primary (Entra quirk 2)
    ['active eq "False"', 'active eq false'],
    ['roles[primary eq "True"]', 'roles[primary eq true]'],
    ['displayName eq "True"', 'displayName eq "True"'],
    // URN-qualified attributes
    [
      'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:employeeNumber eq 0042',
      'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:employeeNumber eq "0042"',
    ],
    ['urn:ietf:params:scim:schemas:core:2.0:User:active eq "true"', 'urn:ietf:params:scim:schemas:core:2.0:User:active eq true'],
    // an unquoted value with spaces runs to the next logical operator
    ['displayName eq Payroll Approvers', 'displayName eq "Payroll Approvers"'],
    ['displayName eq Payroll Approvers and externalId eq x1', 'displayName eq "Payroll Approvers" and externalId eq "x1"'],
    // an unquoted value containing a double quote is escaped
    ['displayName eq O"Brien', 'displayName eq "O\\"Brien"'],
    // whitespace outside values is kept
    ['userName  eq   jdoe', 'userName  eq   "jdoe"'],
  ])('%s  →  %s', (input, expected) => {
    expect(normalizeFilter(input)).toBe(expected);
  });

  it.each([
    'userName eq',
    'userName eq "unterminated',
    '(userName eq jdoe',
    'userName eq jdoe)',
    'emails[type eq work',
    'userName jdoe',
    'and userName eq x',
    '',
    'userName eq x and',
  ])('returns text it cannot parse unchanged: %j', (input) => {
    expect(normalizeFilter(input)).toBe(input);
  });

  it('is idempotent', () => {
    for (const text of ['externalId eq jyoung', 'roles[primary eq "True"]', 'displayName eq Payroll Approvers']) {
      expect(normalizeFilter(normalizeFilter(text))).toBe(normalizeFilter(text));
    }
  });
});

describe('normalizePathFilter', () => {
  it('normalises only the filter inside the brackets', () => {
    expect(normalizePathFilter('members[value eq u1]')).toBe('members[value eq "u1"]');
    expect(normalizePathFilter('roles[primary eq "True"].value')).toBe('roles[primary eq true].value');
    expect(normalizePathFilter('emails[value eq "a]b"].primary')).toBe('emails[value eq "a]b"].primary');
    expect(normalizePathFilter('name.givenName')).toBe('name.givenName');
    expect(normalizePathFilter('members[value eq "u1"')).toBe('members[value eq "u1"');
  });
});

describe('normalizeQuery', () => {
  it('maps every canonical name from any case', () => {
    expect(
      normalizeQuery({
        FILTER: 'userName eq "a"',
        startindex: '3',
        COUNT: '10',
        Attributes: 'userName',
        excludedattributes: 'members',
        sortby: 'userName',
        SORTORDER: 'descending',
      }),
    ).toEqual({
      filter: 'userName eq "a"',
      startIndex: '3',
      count: '10',
      attributes: 'userName',
      excludedAttributes: 'members',
      sortBy: 'userName',
      sortOrder: 'descending',
    });
  });

  it('clamps startIndex below 1 to 1 and leaves non-integers for the core', () => {
    expect(normalizeQuery({ startIndex: '0' })).toEqual({ startIndex: '1' });
    expect(normalizeQuery({ startIndex: '-20' })).toEqual({ startIndex: '1' });
    expect(normalizeQuery({ startIndex: 'abc' })).toEqual({ startIndex: 'abc' });
    expect(normalizeQuery({ startIndex: '1.5' })).toEqual({ startIndex: '1.5' });
    expect(normalizeQuery({ startIndex: '101' })).toEqual({ startIndex: '101' });
  });

  it('takes the first of repeated values, drops undefined, keeps unknown parameters', () => {
    expect(normalizeQuery({ count: ['5', '7'], filter: undefined, aadOptscim062020: '' })).toEqual({
      count: '5',
      aadOptscim062020: '',
    });
  });

  it('the first spelling of a name wins', () => {
    expect(normalizeQuery({ count: '5', Count: '9' })).toEqual({ count: '5' });
  });
});

describe('normalizeScimRequest', () => {
  it('quotes filter values in the query', () => {
    expect(
      normalizeScimRequest({ method: 'GET', resourceType: 'User', body: undefined, query: { filter: 'externalId eq x' } }),
    ).toEqual({ body: undefined, query: { filter: 'externalId eq "x"' } });
  });

  it('normalises a root /.search body (resourceType null)', () => {
    const result = normalizeScimRequest({
      method: 'POST',
      resourceType: null,
      query: {},
      body: {
        schemas: ['urn:ietf:params:scim:api:messages:2.0:SearchRequest'],
        Filter: 'userName eq jdoe',
        StartIndex: -1,
        count: 5,
      },
    });
    expect(result.body).toEqual({
      schemas: ['urn:ietf:params:scim:api:messages:2.0:SearchRequest'],
      filter: 'userName eq "jdoe"',
      startIndex: 1,
      count: 5,
    });
  });

  it('leaves bodies of other methods and of non-resource POSTs alone', () => {
    const body = { meta: {}, password: 'p' };
    expect(normalizeScimRequest({ method: 'DELETE', resourceType: 'User', body, query: {} }).body).toBe(body);
    expect(normalizeScimRequest({ method: 'POST', resourceType: null, body, query: {} }).body).toBe(body);
    expect(normalizeScimRequest({ method: 'PATCH', resourceType: 'User', body: 'x', query: {} }).body).toBe('x');
  });

  it('accepts the method in any case', () => {
    expect(
      normalizeScimRequest({ method: 'post', resourceType: 'User', body: { userName: 'a', password: 'p' }, query: {} })
        .body,
    ).toEqual({ userName: 'a' });
  });

  it('passes operations it cannot read to the core untouched', () => {
    const body = { schemas: [PATCH], Operations: [{ path: 'title', value: 'x' }, 'junk', { op: 'Add', path: 7 }] };
    expect(normalizeScimRequest({ method: 'PATCH', resourceType: 'User', body, query: {} }).body).toEqual(body);
  });

  it('leaves a PatchOp without an Operations array alone', () => {
    const body = { schemas: [PATCH], Operations: { op: 'add' } };
    expect(normalizeScimRequest({ method: 'PATCH', resourceType: 'User', body, query: {} }).body).toBe(body);
  });

  it('reads "path": null as pathless', () => {
    expect(
      normalizeScimRequest({
        method: 'PATCH',
        resourceType: 'User',
        query: {},
        body: { schemas: [PATCH], Operations: [{ op: 'Replace', path: null, value: { active: 'False' } }] },
      }).body,
    ).toEqual({ schemas: [PATCH], Operations: [{ op: 'replace', value: { active: false } }] });
  });

  it('applies both dialects to one PATCH (Entra split + Okta id drop)', () => {
    expect(
      normalizeScimRequest({
        method: 'PATCH',
        resourceType: 'Group',
        query: {},
        body: {
          schemas: [PATCH],
          Operations: [{ op: 'Replace', value: { id: 'g1', displayName: 'New', 'urn:x:params:scim:1.0:Group:code': 'c' } }],
        },
      }).body,
    ).toEqual({
      schemas: [PATCH],
      Operations: [
        { op: 'replace', value: { displayName: 'New' } },
        { op: 'replace', path: 'urn:x:params:scim:1.0:Group:code', value: 'c' },
      ],
    });
  });

  it('surfaces the refusal of a member removal that would empty the group', () => {
    expect(() =>
      normalizeScimRequest({
        method: 'PATCH',
        resourceType: 'Group',
        query: {},
        body: { schemas: [PATCH], Operations: [{ op: 'Remove', path: 'members', value: [{ display: 'no id' }] }] },
      }),
    ).toThrow(ScimError);
  });
});

describe('a password never survives', () => {
  const secret = 'S3cr3t-never-stored';
  const cases: Array<[string, string, 'User' | 'Group', unknown]> = [
    ['POST body', 'POST', 'User', { schemas: [CORE_USER], userName: 'a', password: secret }],
    ['PUT body, any case', 'PUT', 'User', { schemas: [CORE_USER], id: 'x', userName: 'a', PassWord: secret }],
    ['URN-qualified body key', 'POST', 'User', { userName: 'a', [`${CORE_USER}:password`]: secret }],
    ['inside the core schema object', 'PUT', 'User', { userName: 'a', [CORE_USER]: { password: secret } }],
    ['PATCH path password', 'PATCH', 'User', { schemas: [PATCH], Operations: [{ op: 'replace', path: 'password', value: secret }] }],
    ['PATCH Path/Value any case', 'PATCH', 'User', { schemas: [PATCH], Operations: [{ Op: 'Replace', Path: 'Password', Value: secret }] }],
    ['PATCH pathless', 'PATCH', 'User', { schemas: [PATCH], Operations: [{ op: 'replace', value: { active: true, password: secret } }] }],
    [
      'PATCH pathless URN key (split first)',
      'PATCH',
      'User',
      { schemas: [PATCH], Operations: [{ op: 'replace', value: { [`${CORE_USER}:password`]: secret, title: 't' } }] },
    ],
    [
      'PATCH path = core schema URN',
      'PATCH',
      'User',
      { schemas: [PATCH], Operations: [{ op: 'add', path: CORE_USER, value: { password: secret } }] },
    ],
  ];

  it.each(cases)('%s', (_name, method, resourceType, body) => {
    const result = normalizeScimRequest({ method, resourceType, body, query: {} });
    expect(keysDeep(result.body, (key) => /password/i.test(key))).toEqual([]);
    expect(stringsDeep(result.body).filter((s) => s.includes(secret))).toEqual([]);
  });

  it('in none of the fixtures', () => {
    for (const fixture of [...loadFixtures('entra'), ...loadFixtures('okta')]) {
      const result = normalizeScimRequest({
        method: fixture.method,
        resourceType: resourceTypeOf(fixture.path),
        body: fixture.body ?? undefined,
        query: fixture.query ?? {},
      });
      expect(keysDeep(result.body, (key) => /password/i.test(key)), fixture.file).toEqual([]);
    }
  });
});

describe('sequence fixtures', () => {
  const sequences = [...loadSequences('entra'), ...loadSequences('okta')];

  it('has the four lifecycles', () => {
    expect(sequences.map((s) => s.file).sort()).toEqual([
      'sequence-group-lifecycle.json',
      'sequence-group-lifecycle.json',
      'sequence-user-lifecycle.json',
      'sequence-user-lifecycle.json',
    ]);
  });

  it.each(sequences.map((s, i) => [`${i < 2 ? 'entra' : 'okta'}/${s.file}`, s] as const))(
    '%s is well-formed and every step normalises',
    (_name, sequence) => {
      const saved = new Set<string>();
      for (const step of sequence.steps) {
        expect(['GET', 'POST', 'PUT', 'PATCH', 'DELETE']).toContain(step.method);
        expect(step.path.startsWith('/')).toBe(true);
        expect(Number.isInteger(step.expectStatus)).toBe(true);
        // Placeholders only refer to ids saved by an earlier step.
        const text = JSON.stringify([step.path, step.query ?? {}, step.body ?? null]);
        for (const [, name] of text.matchAll(/\{(\w+)\}/g)) expect(saved, `${step.name}: {${name}}`).toContain(name);
        if (step.saveAs) {
          expect(step.method).toBe('POST');
          saved.add(step.saveAs);
        }
        expect(() =>
          normalizeScimRequest({
            method: step.method,
            resourceType: resourceTypeOf(step.path),
            body: step.body,
            query: step.query ?? {},
          }),
        ).not.toThrow();
      }
    },
  );

  it('expects RFC statuses: POST 201, PATCH user 200, PATCH group 204, DELETE 204', () => {
    for (const sequence of sequences) {
      for (const step of sequence.steps) {
        if (step.method === 'POST') expect(step.expectStatus).toBe(201);
        if (step.method === 'DELETE') expect(step.expectStatus).toBe(204);
        if (step.method === 'PATCH') expect(step.expectStatus).toBe(step.path.startsWith('/Groups') ? 204 : 200);
        if (step.expectTotalResults !== undefined) expect(step.expectStatus).toBe(200);
      }
    }
  });
});
