import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkJsonInput } from '../../../src/scim/check-json-input.js';
import { exceedsJsonDepth } from '../../../src/scim/json-body-parser.js';
import { DEFAULT_SCIM_BUDGETS } from '../../../src/scim/scim-budgets.js';
import { LOG_TEXT_CHARACTERS, readLog } from '../../../src/store/provisioning-log-repository.js';
import { GROUP_SCHEMA, patchOp, scimClient, startTestGateway, type TestGateway } from '../../support/test-gateway.js';
import { DIALECTS } from '../../support/test-store.js';
import { DEFAULT_WORKSPACE_URN, ENTERPRISE_URN, isScimError, userBody, type Scim, type ScimResponse } from './scim-kit.js';

const { identifierLength, stringLength, multiValuedEntries, jsonDepth } = DEFAULT_SCIM_BUDGETS;
/** Four UTF-8 bytes and two UTF-16 units, one character: the worst case for an index entry. */
const WIDE = '😀';
const SECRET = 'hunter2-correct-horse';

/** A 400 that names the budget and never quotes the value. */
function expectOverBudget(response: ScimResponse, budget: string, scimType = 'invalidValue'): void {
  expect(response.status, JSON.stringify(response.body).slice(0, 500)).toBe(400);
  expect(isScimError(response.body, 400)).toBe(true);
  expect(response.headers['content-type']).toMatch(/^application\/scim\+json/);
  expect(response.body.scimType).toBe(scimType);
  expect(response.body.detail).toContain(`scim.budgets.${budget}`);
  expect(response.body.detail.length).toBeLessThan(400);
  expect(response.body.detail).not.toContain(WIDE.repeat(2));
  expect(response.body.detail).not.toContain('xxxx');
}

/** `{"a":{"a":…}}` nested `depth` objects deep, as JSON text. */
const nested = (depth: number) => `${'{"a":'.repeat(depth - 1)}{}${'}'.repeat(depth - 1)}`;

describe('the nesting checks', () => {
  it('measure nesting on the text as JSON.parse would, ignoring brackets inside strings', () => {
    expect(exceedsJsonDepth(nested(3), 3)).toBe(false);
    expect(exceedsJsonDepth(nested(4), 3)).toBe(true);
    expect(exceedsJsonDepth('[[1],[2],{"a":[3]}]', 3)).toBe(false);
    expect(exceedsJsonDepth('{"a":"[[[[{{{{","b":"\\\"[[[["}', 1)).toBe(false);
    // An escaped backslash ends no string; the quote after it does.
    expect(exceedsJsonDepth('{"a":"\\\\"}', 1)).toBe(false);
    expect(exceedsJsonDepth('{"a":"\\\\",[[', 2)).toBe(true);
  });

  it('walk parsed values without recursion, and find a NUL in a key or a string', () => {
    let deep: unknown = 'leaf';
    for (let i = 0; i < 1_000_000; i++) deep = [deep];
    expect(checkJsonInput(deep, jsonDepth)?.detail).toContain('scim.budgets.jsonDepth');
    expect(checkJsonInput({ a: [{ b: 'x' }] }, 3)).toBeUndefined();
    expect(checkJsonInput({ a: [{ b: 'x' }] }, 2)?.detail).toContain('scim.budgets.jsonDepth');
    expect(checkJsonInput({ a: ['x\u0000'] }, 32)?.detail).toContain('NUL');
    expect(checkJsonInput({ ['k\u0000']: 1 }, 32)?.detail).toContain('NUL');
  });
});

describe.each(DIALECTS)('request input budgets on %s', (dialect) => {
  let gw: TestGateway;
  let scim: Scim;
  let token: string;
  let base: string;
  let aliceId: string;
  let groupId: string;
  const raw = (method: 'POST' | 'PATCH', url: string, payload: string) =>
    gw.app.inject({ method, url: `${base}${url}`, headers: { authorization: `Bearer ${token}`, 'content-type': 'application/scim+json' }, payload });
  const parsed = (response: { statusCode: number; headers: Record<string, unknown>; body: string }): ScimResponse => ({
    status: response.statusCode,
    headers: response.headers as ScimResponse['headers'],
    body: JSON.parse(response.body) as Record<string, any>,
  });
  const logText = async () => JSON.stringify(await readLog(gw.db.store.db, 'acme', { limit: 1000 }));

  beforeAll(async () => {
    gw = await startTestGateway(dialect);
    const ws = await gw.workspace({ id: 'acme', version: 'v2' });
    ({ token, base } = ws);
    scim = scimClient(gw.app, ws.base, ws.token);
    aliceId = (await scim.post('/Users', userBody('alice@example.com'))).body.id;
    groupId = (await scim.post('/Groups', { schemas: [GROUP_SCHEMA], displayName: 'Staff' })).body.id;
  });
  afterAll(() => gw.close());

  describe('JSON nesting (scim.budgets.jsonDepth)', () => {
    it('refuses a body nested deeper than the budget with 400 before anything walks it, at any depth', async () => {
      const user = (inner: string) => `{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"deep@example.com","x":${inner}}`;
      // The body object is depth 1, so `x` may nest jsonDepth - 1 levels.
      expect((await raw('POST', '/Users', user(nested(jsonDepth - 1)))).statusCode).toBe(201);
      expectOverBudget(parsed(await raw('POST', '/Users', user(nested(jsonDepth)))), 'jsonDepth', 'invalidSyntax');
      expectOverBudget(parsed(await raw('POST', '/Users', user(nested(100_000)))), 'jsonDepth', 'invalidSyntax');
      expectOverBudget(parsed(await raw('POST', '/Users', `{"schemas":[],"x":${'['.repeat(200_000)}${']'.repeat(200_000)}}`)), 'jsonDepth', 'invalidSyntax');
      const deepValue = `{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[{"op":"replace","path":"title","value":${nested(50_000)}}]}`;
      expectOverBudget(parsed(await raw('PATCH', `/Users/${aliceId}`, deepValue)), 'jsonDepth', 'invalidSyntax');
      expectOverBudget(parsed(await raw('POST', '/Users/.search', `{"filter":${nested(10_000)}}`)), 'jsonDepth', 'invalidSyntax');
    });
  });

  describe('identifiers (scim.budgets.identifierLength), counted in characters', () => {
    it('stores and reads back a userName and externalId of exactly the budget in 4-byte characters, and refuses one more', async () => {
      const exact = WIDE.repeat(identifierLength);
      const created = await scim.post('/Users', userBody(exact, { externalId: `e${WIDE.repeat(identifierLength - 1)}`, emails: [] }));
      expect(created.status, JSON.stringify(created.body).slice(0, 300)).toBe(201);
      const read = await scim.get(`/Users/${created.body.id}`);
      expect(read.body.userName).toBe(exact);
      expect(read.body.externalId).toBe(`e${WIDE.repeat(identifierLength - 1)}`);
      expect((await scim.post('/Users/.search', { filter: `userName eq "${exact}"` })).body.totalResults).toBe(1);

      const over = WIDE.repeat(identifierLength + 1);
      const refused = await scim.post('/Users', userBody(over, { emails: [] }));
      expectOverBudget(refused, 'identifierLength');
      expect(refused.body.detail).toContain(`userName (${identifierLength + 1} characters)`);
      expectOverBudget(await scim.post('/Users', userBody('ext@example.com', { externalId: over })), 'identifierLength');
      expectOverBudget(await scim.put(`/Users/${aliceId}`, userBody('alice@example.com', { externalId: over })), 'identifierLength');
      expectOverBudget(await scim.patch(`/Users/${aliceId}`, patchOp({ op: 'replace', path: 'userName', value: over })), 'identifierLength');
      expect((await scim.get(`/Users/${aliceId}`)).body.userName).toBe('alice@example.com');
    });

    it('does the same for an email address, which keys the person\'s account', async () => {
      const exact = `${WIDE.repeat(identifierLength - 12)}@example.com`;
      const created = await scim.post('/Users', userBody('wide-email@example.com', { emails: [{ value: exact, primary: true }] }));
      expect(created.status, JSON.stringify(created.body).slice(0, 300)).toBe(201);
      expect((await scim.get(`/Users/${created.body.id}`)).body.emails).toEqual([{ value: exact, primary: true }]);
      const over = await scim.post('/Users', userBody('wider-email@example.com', { emails: [{ value: `${WIDE}${exact}`, primary: true }] }));
      expectOverBudget(over, 'identifierLength');
      expect(over.body.detail).toContain('emails[0].value');
    });

    it('does the same for a group displayName and externalId', async () => {
      const exact = WIDE.repeat(identifierLength);
      const created = await scim.post('/Groups', { schemas: [GROUP_SCHEMA], displayName: exact, externalId: exact });
      expect(created.status).toBe(201);
      const read = await scim.get(`/Groups/${created.body.id}`);
      expect(read.body.displayName).toBe(exact);
      expect(read.body.externalId).toBe(exact);

      const over = WIDE.repeat(identifierLength + 1);
      expectOverBudget(await scim.post('/Groups', { schemas: [GROUP_SCHEMA], displayName: over }), 'identifierLength');
      expectOverBudget(await scim.post('/Groups', { schemas: [GROUP_SCHEMA], displayName: 'Other', externalId: over }), 'identifierLength');
      expectOverBudget(await scim.put(`/Groups/${groupId}`, { schemas: [GROUP_SCHEMA], displayName: over }), 'identifierLength');
      expectOverBudget(await scim.patch(`/Groups/${groupId}`, patchOp({ op: 'replace', path: 'displayName', value: over })), 'identifierLength');
      expect((await scim.get(`/Groups/${groupId}`)).body.displayName).toBe('Staff');
    });
  });

  describe('other strings (scim.budgets.stringLength) and multi-valued attributes (scim.budgets.multiValuedEntries)', () => {
    const long = 'x'.repeat(stringLength + 1);

    it('takes a string of exactly the budget and refuses a longer one wherever it is', async () => {
      const exact = await scim.post('/Users', userBody('title@example.com', { title: WIDE.repeat(stringLength) }));
      expect(exact.status).toBe(201);
      expect((await scim.get(`/Users/${exact.body.id}`)).body.title).toBe(WIDE.repeat(stringLength));
      const cases: Record<string, unknown>[] = [
        { title: long },
        { name: { givenName: long } },
        { emails: [{ value: 'a@example.com', type: 'work', display: long }] },
        { addresses: [{ streetAddress: long }] },
        { ims: [{ value: long }] },
        { [ENTERPRISE_URN]: { department: long } },
        { [ENTERPRISE_URN]: { manager: { value: long } } },
        { [DEFAULT_WORKSPACE_URN]: { role: long } },
      ];
      for (const extra of cases) expectOverBudget(await scim.post('/Users', userBody('long@example.com', extra)), 'stringLength');
      expectOverBudget(await scim.patch(`/Users/${aliceId}`, patchOp({ op: 'replace', path: 'title', value: long })), 'stringLength');
      expectOverBudget(await scim.patch(`/Users/${aliceId}`, patchOp({ op: 'add', path: 'phoneNumbers', value: [{ value: long }] })), 'stringLength');
    });

    it('takes a multi-valued attribute of exactly the budget and refuses one entry more, stored or not', async () => {
      const emails = (n: number) => Array.from({ length: n }, (_, i) => ({ value: `m${i}@example.com`, type: 'other' }));
      const exact = await scim.post('/Users', userBody('many@example.com', { emails: emails(multiValuedEntries) }));
      expect(exact.status).toBe(201);
      expect((await scim.get(`/Users/${exact.body.id}`)).body.emails).toHaveLength(multiValuedEntries);
      const over = await scim.post('/Users', userBody('toomany@example.com', { emails: emails(multiValuedEntries + 1) }));
      expectOverBudget(over, 'multiValuedEntries');
      expect(over.body.detail).toContain(`emails (${multiValuedEntries + 1} entries)`);
      expectOverBudget(await scim.post('/Users', userBody('photos@example.com', { photos: emails(multiValuedEntries + 1) })), 'multiValuedEntries');
      expectOverBudget(await scim.patch(`/Users/${aliceId}`, patchOp({ op: 'replace', path: 'emails', value: emails(multiValuedEntries + 1) })), 'multiValuedEntries');
    });
  });

  describe('values that must never come back', () => {
    it('drops sub-attributes no schema declares, so a password inside emails is never stored, returned or logged', async () => {
      const created = await scim.post('/Users', userBody('sub@example.com', { emails: [{ value: 'sub@example.com', type: 'work', password: SECRET, Custom: 'x' }] }));
      expect(created.status).toBe(201);
      expect(created.body.emails).toEqual([{ value: 'sub@example.com', type: 'work' }]);
      expect(JSON.stringify((await scim.get(`/Users/${created.body.id}`)).body)).not.toContain(SECRET);
      const patched = await scim.patch(`/Users/${created.body.id}`, patchOp({ op: 'add', path: 'emails', value: [{ value: 'two@example.com', secret: SECRET }] }));
      expect(JSON.stringify(patched.body)).not.toContain(SECRET);
      const row = await gw.db.store.db.selectFrom('membership').select('emails').where('id', '=', created.body.id).executeTakeFirstOrThrow();
      expect(String(row.emails)).not.toContain(SECRET);
      expect(await logText()).not.toContain(SECRET);
    });

    it('never echoes a refused value that holds a password into the detail or the log', async () => {
      const responses = [
        await scim.patch(`/Users/${aliceId}`, patchOp({ op: 'replace', path: 'displayName', value: { password: SECRET } })),
        await scim.patch(`/Users/${aliceId}`, patchOp({ op: 'replace', value: { displayName: { password: SECRET } } })),
        await scim.post('/Users', userBody('echo@example.com', { displayName: { password: SECRET } })),
        await scim.put(`/Users/${aliceId}`, userBody('alice@example.com', { title: [SECRET] })),
        await scim.post('/Users', userBody('credit@example.com', { [DEFAULT_WORKSPACE_URN]: { role: 'editor', creditLimit: { password: SECRET } } })),
        await scim.post('/Users', userBody('role@example.com', { [DEFAULT_WORKSPACE_URN]: { role: { secret: SECRET } } })),
        await scim.post('/Users', userBody('active@example.com', { active: { password: SECRET } })),
        await scim.post('/Users/.search', { count: { password: SECRET } }),
        await scim.patch(`/Groups/${groupId}`, patchOp({ op: 'replace', path: 'displayName', value: { password: SECRET } })),
        await scim.patch(`/Groups/${groupId}`, patchOp({ op: 'replace', path: 'externalId', value: { token: SECRET } })),
      ];
      for (const response of responses) {
        expect(response.status, JSON.stringify(response.body)).toBe(400);
        expect(JSON.stringify(response.body)).not.toContain(SECRET);
      }
      expect(await logText()).not.toContain(SECRET);
      const long = await scim.post('/Groups/.search', { sortOrder: 'x'.repeat(100_000) });
      expect(long.status).toBe(400);
      expect(long.body.detail).toContain(`"${'x'.repeat(64)}…"`);
      expect(long.body.detail).not.toContain('x'.repeat(65));
    });

    it('keeps a refused write in the provisioning log as a bounded summary, never the value', async () => {
      const huge = 'x'.repeat(200_000);
      const refused = await scim.patch(`/Users/${aliceId}`, patchOp({ op: 'replace', path: 'userName', value: huge }));
      expectOverBudget(refused, 'identifierLength');
      const entries = await readLog(gw.db.store.db, 'acme', { limit: 1000 });
      const entry = entries.filter((e) => e.result === 'refused' && e.targetId === aliceId).at(-1)!;
      expect(entry.errorDetail).toContain('scim.budgets.identifierLength');
      for (const e of entries) {
        expect((e.errorDetail ?? '').length).toBeLessThanOrEqual(LOG_TEXT_CHARACTERS + 1);
        expect(JSON.stringify(e).length).toBeLessThan(20_000);
      }
    });
  });
});
