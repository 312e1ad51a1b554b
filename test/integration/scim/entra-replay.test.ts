import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { scimClient, startTestGateway, type TestGateway } from '../../support/test-gateway.js';
import { DIALECTS } from '../../support/test-store.js';
import {
  ACTIVEPIECES_URN,
  BASE44_URN,
  behaviourFixtures,
  byName,
  expectAllSteps,
  ENTERPRISE_URN,
  isScimError,
  readFixture,
  replay,
  sendBehaviourFixture,
  type Scim,
  type SequenceStep,
} from './scim-kit.js';
import { expectFixtureOutcome, type ExpectingFixture } from './fixture-expectation.js';

/** Entra ID's captured requests (test/fixture/entra), replayed through the real server on both databases. */
const userSequence = readFixture<{ steps: SequenceStep[] }>('entra', 'sequence-user-lifecycle.json').steps;
const groupSequence = readFixture<{ steps: SequenceStep[] }>('entra', 'sequence-group-lifecycle.json').steps;
const fixtures: ExpectingFixture[] = behaviourFixtures('entra');

/** Custom-extension fixtures need a workspace whose extension URN they use; everything else runs on a plain V2 one. */
const PRESET_FOR: Record<string, string> = {
  'patch-user-pathless-extension-object.json': 'activepieces',
  'post-user-credit-limit-integer-string.json': 'base44-v2',
  'patch-user-credit-limit-integer-string.json': 'base44-v2',
};

describe.each(DIALECTS)('Entra ID replay on %s', (dialect) => {
  let gw: TestGateway;
  let seq = 0;
  async function workspace(preset?: string): Promise<{ scim: Scim; id: string }> {
    const id = `entra-${++seq}`;
    const ws = await gw.workspace(preset ? { id, preset } : { id, version: 'v2' });
    return { id, scim: scimClient(gw.app, `${ws.base}`, ws.token) };
  }

  beforeAll(async () => {
    gw = await startTestGateway(dialect, { scim: { defaultCount: 100, maxCount: 1000, mounts: [{ path: '/api/v1/scim/v2', workspace: 'activepieces' }] } });
  });
  afterAll(() => gw.close());

  it('replays the user lifecycle: test connection, lookups, create, updates, disable, delete', async () => {
    const { scim } = await workspace();
    const { replayed } = await replay(scim, userSequence);
    expectAllSteps(replayed, userSequence);

    const created = byName(replayed, 'Create with enterprise extension, roles: [], client meta, a null attribute (quirk 8)');
    expect(created.headers.location).toContain(`/Users/${created.body.id}`);
    expect(created.body).not.toHaveProperty('addresses');
    const updated = byName(replayed, 'Update several attributes, aadOptscim062020 style: filtered email op plus pathless replace with dotted and URN keys (quirk 3)');
    expect(updated.body).toMatchObject({ displayName: 'Lena Fischer-Braun', name: { familyName: 'Fischer-Braun', givenName: 'Lena' } });
    expect(updated.body.emails).toEqual([{ primary: true, type: 'work', value: 'lena.fischer-braun@fabrikam.example' }]);
    expect(updated.body[ENTERPRISE_URN]).toMatchObject({ employeeNumber: '30882', department: 'Finance' });
    expect(byName(replayed, 'Update a single attribute without the flag: capitalised op (quirk 1)').body.title).toBe('Controller');
    const disabled = byName(replayed, 'A disabled user is still returned');
    expect(disabled.body.active).toBe(false);
  });

  it('replays the group lifecycle: match, create, add, both removal styles, rename, delete', async () => {
    const { scim } = await workspace();
    const { replayed, vars } = await replay(scim, groupSequence);
    expectAllSteps(replayed, groupSequence);
    const withoutMembers = byName(replayed, 'Get the group without members');
    expect(withoutMembers.body).not.toHaveProperty('members');
    expect(withoutMembers.body.displayName).toBe('Treasury Operations');
    expect(withoutMembers.body.externalId).toBe('8e1d4b7a-3c92-4f05-b6e8-2a7f9c0d5e13');
    expect(vars.groupId).toBeDefined();
  });

  it('checks the member set after each group step', async () => {
    const { scim } = await workspace();
    const membersAfter: string[][] = [];
    const vars: Record<string, string> = {};
    for (const step of groupSequence.filter((s) => s.method !== 'DELETE')) {
      const { replayed } = await replay(scim, [step], vars);
      expect(replayed[0]!.response.status, step.name).toBe(step.expectStatus);
      if (vars.groupId && step.method === 'PATCH') {
        const group = await scim.get(`/Groups/${vars.groupId}`);
        membersAfter.push(((group.body.members ?? []) as { value: string }[]).map((m) => m.value).sort());
      }
    }
    const { userId, user2Id } = vars as { userId: string; user2Id: string };
    expect(membersAfter).toEqual([[userId, user2Id].sort(), [userId], [userId, user2Id].sort(), [user2Id], [user2Id]]);
  });

  it('replays both sequences through the Activepieces mount /api/v1/scim/v2', async () => {
    const ws = await gw.workspace({ id: 'activepieces', preset: 'activepieces' });
    const mounted = scimClient(gw.app, '/api/v1/scim/v2', ws.token);
    const users = await replay(mounted, userSequence);
    expectAllSteps(users.replayed, userSequence);
    const groups = await replay(mounted, groupSequence);
    expectAllSteps(groups.replayed, groupSequence);
  });

  describe('every one-behaviour fixture gets a non-error answer and stores what its `expect` block says', () => {
    it.each(fixtures.map((f) => [f.file, f] as const))('%s', async (file, fixture: ExpectingFixture) => {
      if (file === 'patch-user-pathless-custom-urn-keys.json') return; // mixes two vendors' URNs: see the test below
      const { scim } = await workspace(PRESET_FOR[file]);
      const { response, ids } = await sendBehaviourFixture(scim, fixture);
      expect(response.status, `${fixture.method} ${fixture.path}: ${JSON.stringify(response.body)}`).toBeGreaterThanOrEqual(200);
      expect(response.status, `${fixture.method} ${fixture.path}: ${JSON.stringify(response.body)}`).toBeLessThan(300);
      if (fixture.method === 'GET' && (fixture.path === '/Users' || fixture.path === '/Groups')) {
        expect(Number.isInteger(response.body.totalResults)).toBe(true);
        expect(Array.isArray(response.body.Resources)).toBe(true);
      }
      await expectFixtureOutcome(scim, fixture, response, ids);
    });

    it('every fixture that writes says what a GET shows afterwards', () => {
      const writes = fixtures.filter((f) => f.method !== 'GET' && !f.path.endsWith('/.search') && f.file !== 'patch-user-pathless-custom-urn-keys.json');
      expect(writes.filter((f) => !f.expect?.stored && !f.expect?.gone).map((f) => f.file)).toEqual([]);
    });

    it('patch-user-pathless-custom-urn-keys.json: each vendor workspace takes its own URN keys', async () => {
      const fixture = fixtures.find((f) => f.file === 'patch-user-pathless-custom-urn-keys.json')!;
      const value = (fixture.body as { Operations: { value: Record<string, unknown> }[] }).Operations[0]!.value;
      const only = (urn: string) => ({
        ...fixture,
        body: {
          ...(fixture.body as object),
          Operations: [{ op: 'replace', value: Object.fromEntries(Object.entries(value).filter(([key]) => !key.startsWith('urn:') || key.startsWith(urn))) }],
        },
      });

      const base44 = await workspace('base44-v2');
      const b = await sendBehaviourFixture(base44.scim, only(BASE44_URN));
      expect(b.response.status, JSON.stringify(b.response.body)).toBe(200);
      expect(b.response.body.title).toBe('Analyst');
      expect(b.response.body[BASE44_URN]).toMatchObject({ role: 'editor', creditLimit: 500 });
      const stored = await base44.scim.get(`/Users/${b.response.body.id}`);
      expect(stored.body).toMatchObject({ title: 'Analyst', [BASE44_URN]: { role: 'editor', creditLimit: 500 } });

      const activepieces = await workspace('activepieces');
      const a = await sendBehaviourFixture(activepieces.scim, only(ACTIVEPIECES_URN));
      expect(a.response.status, JSON.stringify(a.response.body)).toBe(200);
      expect(a.response.body[ACTIVEPIECES_URN]).toMatchObject({ platformRole: 'editor' });
      expect((await activepieces.scim.get(`/Users/${a.response.body.id}`)).body[ACTIVEPIECES_URN]).toMatchObject({ platformRole: 'editor' });

      // As captured (both vendors in one request), the URN this workspace does not know is named in a 400, never a 500.
      const mixed = await workspace('base44-v2');
      const refused = await sendBehaviourFixture(mixed.scim, fixture);
      expect(refused.response.status).toBe(400);
      expect(isScimError(refused.response.body, 400)).toBe(true);
      expect(refused.response.body.detail).toContain(ACTIVEPIECES_URN);
    });
  });

  describe('Base44 creditLimit (Type Integer, mapped from the string extensionAttribute1)', () => {
    const b44 = (userName: string, extension: Record<string, unknown>) => ({
      schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'],
      userName,
      emails: [{ value: userName, type: 'work', primary: true }],
      active: true,
      [BASE44_URN]: extension,
    });

    it('stores "500" as the number 500 on create and "750" as 750 on a pathless PATCH', async () => {
      const { scim } = await workspace('base44-v2');
      const created = await scim.post('/Users', b44('credit.string@fabrikam.example', { role: 'editor', creditLimit: '500' }));
      expect(created.status, JSON.stringify(created.body)).toBe(201);
      expect((await scim.get(`/Users/${created.body.id}`)).body[BASE44_URN]).toEqual({ role: 'editor', creditLimit: 500 });
      const patched = await scim.patch(`/Users/${created.body.id}`, {
        schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'],
        Operations: [{ op: 'Replace', value: { [`${BASE44_URN}:creditLimit`]: '750' } }],
      });
      expect(patched.status, JSON.stringify(patched.body)).toBe(200);
      expect((await scim.get(`/Users/${created.body.id}`)).body[BASE44_URN]).toEqual({ role: 'editor', creditLimit: 750 });
    });

    it('still refuses a string that is not a non-negative integer, with the policy detail, and changes nothing', async () => {
      const { scim } = await workspace('base44-v2');
      for (const creditLimit of ['lots', '2.5', '-5', ' 500']) {
        const refused = await scim.post('/Users', b44(`credit.${creditLimit.trim()}@fabrikam.example`, { role: 'editor', creditLimit }));
        expect(refused.status, `creditLimit ${JSON.stringify(creditLimit)}`).toBe(400);
        expect(isScimError(refused.body, 400)).toBe(true);
        expect(refused.body.scimType).toBe('invalidValue');
        expect(refused.body.detail).toContain('creditLimit must be a non-negative integer');
      }
      expect((await scim.get('/Users')).body.totalResults).toBe(0);

      const created = await scim.post('/Users', b44('credit.kept@fabrikam.example', { role: 'editor', creditLimit: '500' }));
      for (const creditLimit of ['lots', '-5']) {
        const refused = await scim.patch(`/Users/${created.body.id}`, {
          schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'],
          Operations: [{ op: 'replace', path: `${BASE44_URN}:creditLimit`, value: creditLimit }],
        });
        expect(refused.status, `creditLimit ${JSON.stringify(creditLimit)}`).toBe(400);
        expect(isScimError(refused.body, 400)).toBe(true);
        expect(refused.body.detail).toMatch(/creditLimit must be an? (non-negative )?integer/);
      }
      expect((await scim.get(`/Users/${created.body.id}`)).body[BASE44_URN]).toEqual({ role: 'editor', creditLimit: 500 });
    });
  });
});
