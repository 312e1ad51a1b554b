import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { scimClient, startTestGateway, type TestGateway } from '../../support/test-gateway.js';
import { DIALECTS } from '../../support/test-store.js';
import { behaviourFixtures, byName, expectAllSteps, isScimError, readFixture, replay, sendBehaviourFixture, substitute, userBody, type Scim, type SequenceStep } from './scim-kit.js';
import { expectFixtureOutcome, type ExpectingFixture } from './fixture-expectation.js';

/** Okta's captured requests (test/fixture/okta), replayed through the real server on both databases. */
const userSequence = readFixture<{ steps: SequenceStep[] }>('okta', 'sequence-user-lifecycle.json').steps;
const groupSequence = readFixture<{ steps: SequenceStep[] }>('okta', 'sequence-group-lifecycle.json').steps;
const fixtures: ExpectingFixture[] = behaviourFixtures('okta');

/** Okta's SPEC test asks for these ids and expects 404. */
const NONEXISTENT = ['010101001010101011001010101011', '00919288221112222'];

describe.each(DIALECTS)('Okta replay on %s', (dialect) => {
  let gw: TestGateway;
  let seq = 0;
  /** Okta's Header Auth sends the token verbatim: half the workspaces get the bare key, half "Bearer <key>". */
  async function workspace(): Promise<Scim> {
    const id = `okta-${++seq}`;
    const ws = await gw.workspace({ id, version: 'v2' });
    return scimClient(gw.app, ws.base, ws.token, seq % 2 === 0 ? { authorization: ws.token, contentType: 'application/json' } : { contentType: 'application/json' });
  }

  beforeAll(async () => {
    gw = await startTestGateway(dialect);
  });
  afterAll(() => gw.close());

  it('replays the user lifecycle: lookup, create, GET + full PUT, deactivate, reactivate', async () => {
    const scim = await workspace();
    const { replayed } = await replay(scim, userSequence);
    expectAllSteps(replayed, userSequence);
    const put = byName(replayed, 'Full PUT carrying id, meta, groups and password (quirk 4)');
    expect(put.body.name).toMatchObject({ middleName: 'Erik' });
    expect(put.body).not.toHaveProperty('password');
    const deactivated = byName(replayed, 'Deactivate with a pathless replace (quirk 5)');
    expect(deactivated.body.active).toBe(false);
    expect(byName(replayed, 'Reactivate').body.active).toBe(true);
  });

  it('replays the group lifecycle: create with members: [], rename with id, membership changes, unlink', async () => {
    const scim = await workspace();
    const { replayed, vars } = await replay(scim, groupSequence);
    expectAllSteps(replayed, groupSequence);
    const group = byName(replayed, 'Get the group');
    expect(group.body.displayName).toBe('Northwind Support Tier 1');
    expect(group.body.id).toBe(vars.groupId);
    expect(((group.body.members ?? []) as { value: string }[]).map((m) => m.value).sort()).toEqual([vars.userId, vars.user2Id].sort());
    // Unlinking the group keeps its users (Okta never DELETEs users).
    expect((await scim.get(`/Users/${vars.userId}`)).status).toBe(200);
  });

  it('pages with startIndex=1&count=100 then startIndex+100, stably and with integer numbers', async () => {
    const scim = await workspace();
    for (let i = 0; i < 120; i++) expect((await scim.post('/Users', userBody(`p${String(i).padStart(3, '0')}@northwind.example`))).status).toBe(201);
    const first = await scim.get('/Users?startIndex=1&count=100');
    const second = await scim.get('/Users?startIndex=101&count=100');
    expect(first.body).toMatchObject({ totalResults: 120, startIndex: 1, itemsPerPage: 100 });
    expect(second.body).toMatchObject({ totalResults: 120, startIndex: 101, itemsPerPage: 20 });
    const seen = [...first.body.Resources, ...second.body.Resources].map((r: { id: string }) => r.id);
    expect(new Set(seen).size).toBe(120);
  });

  it('answers the SPEC test nonexistent ids with 404, status "404", detail and the Error schema', async () => {
    const scim = await workspace();
    for (const id of NONEXISTENT) {
      for (const response of [await scim.get(`/Users/${id}`), await scim.get(`/Groups/${id}`)]) {
        expect(response.status).toBe(404);
        expect(isScimError(response.body, 404)).toBe(true);
      }
    }
  });

  it('answers a duplicate create with 409 and the Error schema', async () => {
    const scim = await workspace();
    const fixture = fixtures.find((f) => f.file === 'post-user-password-groups-locale.json')!;
    expect((await scim.post('/Users', fixture.body)).status).toBe(201);
    const duplicate = await scim.post('/Users', fixture.body);
    expect(duplicate.status).toBe(409);
    expect(isScimError(duplicate.body, 409)).toBe(true);
    expect(duplicate.body.scimType).toBe('uniqueness');
  });

  it('answers the uppercase userName lookup with 200 and finds the user', async () => {
    const scim = await workspace();
    await scim.post('/Users', userBody('maria.gonzalez@northwind.example'));
    const fixture = fixtures.find((f) => f.file === 'get-users-filter-uppercase-username.json')!;
    const { response } = await sendBehaviourFixture(scim, fixture);
    expect(response.status).toBe(200);
    expect(response.body.totalResults).toBe(1);
  });

  it('ignores the groups of a full PUT: groups: [] does not take the user out of its groups', async () => {
    const scim = await workspace();
    const fixture = fixtures.find((f) => f.file === 'put-user-full-object.json')!;
    const user = await scim.post('/Users', userBody('maria.gonzalez@northwind.example'));
    const group = await scim.post('/Groups', { schemas: ['urn:ietf:params:scim:schemas:core:2.0:Group'], displayName: 'Field Sales', members: [{ value: user.body.id }] });
    expect(group.status).toBe(201);
    const captured = (fixture.body as { id: string }).id;
    const put = await scim.put(`/Users/${user.body.id}`, substitute(fixture.body, { [captured]: user.body.id }));
    expect(put.status, JSON.stringify(put.body)).toBe(200);
    expect(((await scim.get(`/Groups/${group.body.id}`)).body.members as { value: string }[]).map((m) => m.value)).toEqual([user.body.id]);
    const stored = await scim.get(`/Users/${user.body.id}`);
    expect(stored.body.name).toMatchObject({ middleName: 'José' });
    expect(JSON.stringify(stored.body)).not.toMatch(/password|t7Qm/i);
  });

  describe('every one-behaviour fixture gets a non-error answer and stores what its `expect` block says', () => {
    it('every fixture that writes says what a GET shows afterwards', () => {
      const writes = fixtures.filter((f) => f.method !== 'GET');
      expect(writes.filter((f) => !f.expect?.stored && !f.expect?.gone).map((f) => f.file)).toEqual([]);
    });

    it.each(fixtures.map((f) => [f.file, f] as const))('%s', async (_file, fixture: ExpectingFixture) => {
      const scim = await workspace();
      const { response, ids } = await sendBehaviourFixture(scim, fixture);
      const described = `${fixture.method} ${fixture.path}: ${JSON.stringify(response.body)}`;
      if (NONEXISTENT.some((id) => fixture.path.includes(id))) {
        expect(response.status, described).toBe(404);
        expect(isScimError(response.body, 404)).toBe(true);
        return;
      }
      expect(response.status, described).toBeGreaterThanOrEqual(200);
      expect(response.status, described).toBeLessThan(300);
      expect(JSON.stringify(response.body ?? {})).not.toMatch(/password/i);
      await expectFixtureOutcome(scim, fixture, response, ids);
    });
  });
});
