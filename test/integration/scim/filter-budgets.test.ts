import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { scimClient, startTestGateway, type TestGateway } from '../../support/test-gateway.js';
import { DIALECTS } from '../../support/test-store.js';
import { isScimError, userBody, type Scim, type ScimResponse } from './scim-kit.js';

const PATCH_SCHEMA = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';
const GROUP_SCHEMA = 'urn:ietf:params:scim:schemas:core:2.0:Group';

const term = (i: number) => `userName eq "u${i}@acme.example"`;
const chain = (n: number, op: 'and' | 'or', make = term) => Array.from({ length: n }, (_, i) => make(i)).join(` ${op} `);
const parens = (n: number) => `${'('.repeat(n)}${term(0)}${')'.repeat(n)}`;
const nots = (n: number) => `${'not ('.repeat(n)}${term(0)}${')'.repeat(n)}`;
const substrings = (n: number) => chain(n, 'or', (i) => `emails[value co "${i}@acme"]`);
/** A filter of exactly `length` characters. */
const ofLength = (length: number) => `userName eq "${'a'.repeat(length - 'userName eq ""'.length)}"`;

const list = (scim: Scim, filter: string) => scim.get(`/Users?filter=${encodeURIComponent(filter)}`);
const search = (scim: Scim, filter: string) => scim.post('/Users/.search', { schemas: ['urn:ietf:params:scim:api:messages:2.0:SearchRequest'], filter });

function expectOver(response: ScimResponse, budget: string, scimType = 'invalidFilter') {
  expect(response.status).toBe(400);
  expect(isScimError(response.body, 400)).toBe(true);
  expect(response.body.scimType).toBe(scimType);
  expect(response.body.detail).toContain(`scim.budgets.${budget}`);
  expect(response.body.detail).not.toContain('aaaaaaaaaa');
}

describe.each(DIALECTS)('filter budgets on %s', (dialect) => {
  let gw: TestGateway;
  let scim: Scim;
  let userId: string;
  let groupId: string;

  beforeAll(async () => {
    gw = await startTestGateway(dialect);
    const acme = await gw.workspace({ id: 'acme', version: 'v2' });
    scim = scimClient(gw.app, acme.base, acme.token);
    const created = await scim.post('/Users', userBody('u0@acme.example'));
    expect(created.status).toBe(201);
    userId = created.body.id;
    const group = await scim.post('/Groups', { schemas: [GROUP_SCHEMA], displayName: 'Team', members: [{ value: userId }] });
    expect(group.status).toBe(201);
    groupId = group.body.id;
  });
  afterAll(() => gw.close());

  it('filterLength: exactly the limit is answered, one character more is refused', async () => {
    expect((await list(scim, ofLength(4_096))).status).toBe(200);
    expectOver(await list(scim, ofLength(4_097)), 'filterLength');
    expectOver(await search(scim, ofLength(4_097)), 'filterLength');
  });

  it('filterDepth: 16 levels are answered, 17 are refused', async () => {
    const found = await list(scim, parens(16));
    expect(found.status).toBe(200);
    expect(found.body.totalResults).toBe(1);
    expect((await list(scim, nots(16))).status).toBe(200);
    expectOver(await list(scim, parens(17)), 'filterDepth');
    expectOver(await list(scim, nots(17)), 'filterDepth');
  });

  it('filterTerms: 100 comparisons are answered (the heaviest allowed mix included), 101 are refused', async () => {
    const found = await list(scim, chain(100, 'or'));
    expect(found.status).toBe(200);
    expect(found.body.totalResults).toBe(1);
    expect((await list(scim, chain(100, 'and'))).status).toBe(200);
    const heaviest = await search(scim, `${substrings(4)} or ${chain(96, 'or')}`);
    expect(heaviest.status).toBe(200);
    expect(heaviest.body.totalResults).toBe(1);
    expectOver(await list(scim, chain(101, 'or')), 'filterTerms');
  });

  it('substringTerms: 4 co/sw/ew comparisons are answered, 5 are refused with tooMany', async () => {
    expect((await list(scim, substrings(4))).status).toBe(200);
    expectOver(await list(scim, substrings(5)), 'substringTerms', 'tooMany');
    expectOver(await scim.get(`/Groups?filter=${encodeURIComponent(chain(5, 'or', () => 'displayName sw "T"'))}`), 'substringTerms', 'tooMany');
  });

  it.each([
    ['10,000 nested parentheses', () => parens(10_000)],
    ['"not (" nested 1,000 times', () => nots(1_000)],
    ['an or-chain of 1,000 eq terms', () => chain(1_000, 'or')],
    ['an or-chain of 10,000 eq terms', () => chain(10_000, 'or')],
    ['an and-chain of 10,000 eq terms', () => chain(10_000, 'and')],
  ])('refuses %s with 400', async (_, text) => {
    expectOver(await list(scim, text()), 'filterLength');
  });

  it('holds a PATCH path\'s value filter to the budgets, and a refused PATCH changes nothing', async () => {
    const patch = (path: string, op = 'replace', value: unknown = 'x@acme.example') =>
      scim.patch(`/Users/${userId}`, { schemas: [PATCH_SCHEMA], Operations: [{ op, path, value }] });
    const types = (n: number) => chain(n, 'or', (i) => `type eq "t${i}"`);
    expectOver(await patch(`emails[${types(101)}].value`), 'filterTerms');
    expectOver(await patch(`emails[${parens(16).replace(term(0), 'type eq "work"')}].value`), 'filterDepth');
    expectOver(await patch(`emails[${chain(5, 'or', () => 'value co "x"')}].value`), 'substringTerms', 'tooMany');
    const user = await scim.get(`/Users/${userId}`);
    expect(user.body.emails).toEqual([{ value: 'u0@acme.example', type: 'work', primary: true }]);
    const removeMembers = (n: number) =>
      scim.patch(`/Groups/${groupId}`, { schemas: [PATCH_SCHEMA], Operations: [{ op: 'remove', path: `members[${chain(n, 'or', (i) => `value eq "${i === 0 ? userId : `m${i}`}"`)}]` }] });
    expectOver(await removeMembers(101), 'filterTerms');
    expect((await scim.get(`/Groups/${groupId}`)).body.members).toEqual([expect.objectContaining({ value: userId })]);
    expect((await removeMembers(100)).status).toBe(204);
    expect((await scim.get(`/Groups/${groupId}`)).body.members ?? []).toEqual([]);
  });

  it('elementTerms: 4 searches of multi-valued attributes are answered, 5 are refused with tooMany; or-joined ones count once', async () => {
    const searches = (n: number) => Array.from({ length: n }, (_, i) => `emails[value ne "x${i}@acme.example"]`).join(' and ');
    const four = await list(scim, searches(4));
    expect(four.status).toBe(200);
    expect(four.body.totalResults).toBe(1);
    expectOver(await list(scim, searches(5)), 'elementTerms', 'tooMany');
    const merged = Array.from({ length: 50 }, (_, i) => `emails[value eq "x${i}@acme.example"]`).join(' or ') + ' or emails[value eq "u0@acme.example"]';
    const found = await list(scim, merged);
    expect(found.status).toBe(200);
    expect(found.body.totalResults).toBe(1);
  });

  it('refuses a NUL written as an escape inside a filter string, which PostgreSQL text cannot hold, and quotes no long value', async () => {
    for (const filter of ['userName eq "\\u0000"', 'not (name.familyName ne "a\\u0000b")', 'emails[value eq "\\u0000"]']) {
      for (const response of [await list(scim, filter), await search(scim, filter)]) {
        expect(response.status, filter).toBe(400);
        expect(isScimError(response.body, 400)).toBe(true);
        expect(response.body.scimType).toBe('invalidFilter');
        expect(response.body.detail).toContain('NUL');
      }
    }
    const sorted = await scim.get(`/Users?sortBy=${'a'.repeat(4_097)}`);
    expect(sorted.status).toBe(400);
    expect(sorted.body.detail.length).toBeLessThan(200);
    const unparsable = await search(scim, 'a'.repeat(4_095));
    expect(unparsable.status).toBe(400);
    expect(unparsable.body.detail.length).toBeLessThan(300);
  });

  it('answers or-chains merged into one IN list or one EXISTS, and negations merged into one, as written', async () => {
    const bea = await scim.post('/Users', userBody('Bea@Acme.example', { title: 'CEO', emails: [{ value: 'bea@work.example', type: 'work' }, { value: 'bea@home.example', type: 'home' }] }));
    expect(bea.status).toBe(201);
    expect((await scim.post('/Users', userBody('cy@acme.example', { title: 'cto', emails: undefined }))).status).toBe(201);
    const userNames = async (filter: string) => {
      const found = await search(scim, filter);
      expect(found.status).toBe(200);
      return found.body.Resources.map((r: { userName: string }) => r.userName.toLowerCase()).sort();
    };
    const cases: Array<[string, string[]]> = [
      ['emails[type eq "home"] or emails[value eq "u0@acme.example"]', ['bea@acme.example', 'u0@acme.example']],
      ['emails pr or emails[value eq "nobody@x"]', ['bea@acme.example', 'u0@acme.example']],
      ['emails[value eq "nobody@x"] or emails pr', ['bea@acme.example', 'u0@acme.example']],
      ['emails.type eq "home" or emails eq "U0@ACME.example"', ['bea@acme.example', 'u0@acme.example']],
      ['userName eq "BEA@acme.example" or userName eq "cy@ACME.example" or title eq "x"', ['bea@acme.example', 'cy@acme.example']],
      ['title eq "ceo" or title eq "CTO"', ['bea@acme.example', 'cy@acme.example']],
      ['emails ne "bea@work.example" and emails ne "u0@acme.example"', ['cy@acme.example']],
      ['not (emails[type eq "work"] or emails[type eq "home"])', ['cy@acme.example']],
      ['emails[type eq "home"] or emails ne "u0@acme.example"', ['bea@acme.example', 'cy@acme.example']],
      ['title ne "ceo" and title ne "cto"', ['u0@acme.example']],
      ['not (title eq "ceo") and emails pr', ['u0@acme.example']],
      ['emails[type eq "work" and value sw "bea"] or emails[type eq "home" and value sw "u0"]', ['bea@acme.example']],
    ];
    for (const [filter, expected] of cases) expect(await userNames(filter), filter).toEqual(expected);
    const crew = await scim.post('/Groups', { schemas: [GROUP_SCHEMA], displayName: 'Crew', members: [{ value: bea.body.id }] });
    expect(crew.status).toBe(201);
    const groups = await scim.get(`/Groups?filter=${encodeURIComponent(`members[value eq "nobody"] or members[value eq "${bea.body.id}"] or displayName eq "x"`)}`);
    expect(groups.body.Resources.map((g: { displayName: string }) => g.displayName)).toEqual(['Crew']);
  });
});

describe.each(DIALECTS)('filter budgets from the configuration on %s', (dialect) => {
  let small: TestGateway;
  let large: TestGateway;
  let scimSmall: Scim;
  let scimLarge: Scim;

  beforeAll(async () => {
    [small, large] = await Promise.all([
      startTestGateway(dialect, { scim: { budgets: { filterTerms: 3 } } }),
      startTestGateway(dialect, { scim: { budgets: { filterLength: 1_000_000, filterTerms: 2_000 } } }),
    ]);
    const [a, b] = await Promise.all([small.workspace({ id: 'acme', version: 'v2' }), large.workspace({ id: 'acme', version: 'v2' })]);
    scimSmall = scimClient(small.app, a.base, a.token);
    scimLarge = scimClient(large.app, b.base, b.token);
    for (const scim of [scimSmall, scimLarge]) expect((await scim.post('/Users', userBody('u0@acme.example'))).status).toBe(201);
  });
  afterAll(() => Promise.all([small.close(), large.close()]));

  it('honours filterTerms: 3', async () => {
    expect((await list(scimSmall, chain(3, 'or'))).status).toBe(200);
    const refused = await list(scimSmall, chain(4, 'or'));
    expectOver(refused, 'filterTerms');
    expect(refused.body.detail).toContain('limit of 3');
    const user = (await list(scimSmall, term(0))).body.Resources[0];
    const patched = await scimSmall.patch(`/Users/${user.id}`, {
      schemas: [PATCH_SCHEMA],
      Operations: [{ op: 'replace', path: 'emails[type eq "a" or type eq "b" or type eq "c" or type eq "work"].value', value: 'x@acme.example' }],
    });
    expectOver(patched, 'filterTerms');
  });

  it('with the length allowed, the former 500s are refused by depth and terms', async () => {
    expectOver(await list(scimLarge, parens(10_000)), 'filterDepth');
    expectOver(await search(scimLarge, nots(1_000)), 'filterDepth');
    expectOver(await search(scimLarge, chain(10_000, 'or')), 'filterTerms');
    expectOver(await search(scimLarge, chain(10_000, 'and')), 'filterTerms');
  });

  it('answers a 2,000-term chain the configuration allows: the SQL does not nest once per term', async () => {
    const found = await search(scimLarge, chain(2_000, 'or'));
    expect(found.status).toBe(200);
    expect(found.body.totalResults).toBe(1);
    const emails = await search(scimLarge, chain(1_000, 'or', (i) => `emails[value eq "u${i}@acme.example"]`));
    expect(emails.status).toBe(200);
    expect(emails.body.totalResults).toBe(1);
    expect((await search(scimLarge, chain(2_000, 'and', () => term(0)))).body.totalResults).toBe(1);
  });
});
