import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readLog } from '../../../src/store/provisioning-log-repository.js';
import { GROUP_SCHEMA, patchOp, scimClient, startTestGateway, USER_SCHEMA, type TestGateway } from '../../support/test-gateway.js';
import { DIALECTS } from '../../support/test-store.js';
import { BASE44_URN, DEFAULT_WORKSPACE_URN, ENTERPRISE_URN, ERROR_SCHEMA, isScimError, userBody, type Scim, type ScimResponse } from './scim-kit.js';

function expectError(response: ScimResponse, status: number, scimType?: string): void {
  expect(response.status, JSON.stringify(response.body)).toBe(status);
  expect(isScimError(response.body, status), JSON.stringify(response.body)).toBe(true);
  expect(response.headers['content-type']).toMatch(/^application\/scim\+json/);
  if (scimType !== undefined) expect(response.body.scimType).toBe(scimType);
}

describe.each(DIALECTS)('SCIM errors and discovery on %s', (dialect) => {
  let gw: TestGateway;
  let scim: Scim;
  let token: string;
  let base: string;
  let aliceId: string;
  let groupId: string;
  const db = () => gw.db.store.db;
  const memberRow = (id: string) => db().selectFrom('membership').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
  const groupState = async (id: string) => ({
    group: await db().selectFrom('scim_group').selectAll().where('id', '=', id).executeTakeFirstOrThrow(),
    members: (await db().selectFrom('group_member').select('membership_id').where('group_id', '=', id).orderBy('membership_id').execute()).map((r) => r.membership_id),
  });
  const raw = (method: 'POST' | 'PUT' | 'PATCH', url: string, payload: string, contentType = 'application/scim+json') =>
    gw.app.inject({ method, url: `${base}${url}`, headers: { authorization: `Bearer ${token}`, 'content-type': contentType }, payload });
  const parsed = (response: { statusCode: number; headers: Record<string, unknown>; body: string }): ScimResponse => ({
    status: response.statusCode,
    headers: response.headers as ScimResponse['headers'],
    body: response.body ? (JSON.parse(response.body) as Record<string, any>) : (null as unknown as Record<string, any>),
  });

  beforeAll(async () => {
    gw = await startTestGateway(dialect);
    const ws = await gw.workspace({ id: 'acme', version: 'v2' });
    token = ws.token;
    base = ws.base;
    scim = scimClient(gw.app, ws.base, ws.token);
    aliceId = (await scim.post('/Users', userBody('alice@example.com', { externalId: 'ext-alice', title: 'Engineer' }))).body.id;
    await scim.post('/Users', userBody('bob@example.com', { externalId: 'ext-bob' }));
    groupId = (await scim.post('/Groups', { schemas: [GROUP_SCHEMA], displayName: 'Staff', members: [{ value: aliceId }] })).body.id;
  });
  afterAll(() => gw.close());

  describe('request bodies', () => {
    it('answers malformed JSON with 400 invalidSyntax, for both content types', async () => {
      for (const contentType of ['application/scim+json', 'application/json']) {
        expectError(parsed(await raw('POST', '/Users', '{"schemas": ["urn:', contentType)), 400, 'invalidSyntax');
        expectError(parsed(await raw('PATCH', `/Users/${aliceId}`, '{"Operations": [}', contentType)), 400, 'invalidSyntax');
        expectError(parsed(await raw('PUT', `/Groups/${groupId}`, 'not json at all', contentType)), 400, 'invalidSyntax');
      }
    });

    it('answers an empty body, an array body and a body without schemas with 400 invalidSyntax', async () => {
      expectError(parsed(await raw('POST', '/Users', '')), 400, 'invalidSyntax');
      expectError(await scim.post('/Users', [userBody('array@example.com')]), 400, 'invalidSyntax');
      expectError(await scim.post('/Users', { userName: 'noschemas@example.com' }), 400, 'invalidSyntax');
      expectError(await scim.patch(`/Users/${aliceId}`, { Operations: [{ op: 'replace', path: 'title', value: 'x' }] }), 400, 'invalidSyntax');
      expectError(await scim.patch(`/Users/${aliceId}`, patchOp()), 400, 'invalidSyntax');
    });

    it('answers a body in an unsupported content type with 415, and a text body with 400 invalidSyntax', async () => {
      expectError(parsed(await raw('POST', '/Users', '<user/>', 'application/xml')), 415);
      expectError(parsed(await raw('POST', '/Users', 'userName=x', 'text/plain')), 400, 'invalidSyntax');
    });

    it('refuses wrong attribute types with 400 invalidValue', async () => {
      expectError(await scim.post('/Users', { schemas: [USER_SCHEMA] }), 400, 'invalidValue');
      expectError(await scim.post('/Users', userBody('yes@example.com', { active: 'yes' })), 400, 'invalidValue');
      expectError(await scim.post('/Users', userBody('title@example.com', { title: 42 })), 400, 'invalidValue');
      expectError(await scim.post('/Users', userBody('emails@example.com', { emails: 'emails@example.com' })), 400, 'invalidValue');
    });

    it('refuses a NUL character anywhere in a request with 400, never a database error', async () => {
      expectError(await scim.post('/Users', userBody('nul\u0000@example.com')), 400, 'invalidValue');
      expectError(await scim.patch(`/Users/${aliceId}`, patchOp({ op: 'replace', path: 'title', value: 'a\u0000b' })), 400, 'invalidValue');
      expectError(await scim.post('/Groups', { schemas: [GROUP_SCHEMA], displayName: 'Nul\u0000' }), 400, 'invalidValue');
      expectError(await scim.get(`/Users?filter=${encodeURIComponent('userName eq "a\u0000"')}`), 400);
      expectError(await scim.get('/Users/a%00b'), 400);
      expect((await scim.get('/Users?filter=userName sw "nul"')).body.totalResults).toBe(0);
      expect((await scim.get(`/Users/${aliceId}`)).body.title).toBe('Engineer');
    });

    it('answers an oversized body with 413 and a SCIM Error', async () => {
      const small = await startTestGateway(dialect, { server: { host: '127.0.0.1', port: 0, bodyLimit: 1000, trustProxy: false, workers: 1, workerV8Flags: [] } });
      try {
        const ws = await small.workspace({ id: 'tiny', version: 'v2' });
        const client = scimClient(small.app, ws.base, ws.token);
        expectError(await client.post('/Users', userBody('big@example.com', { displayName: 'x'.repeat(2000) })), 413);
        expect((await client.post('/Users', userBody('fits@example.com'))).status).toBe(201);
        expect((await client.get('/Users?filter=userName eq "big@example.com"')).body.totalResults).toBe(0);
      } finally {
        await small.close();
      }
    });
  });

  describe('unknown ids and endpoints', () => {
    it('answers an unknown id with 404 and status "404" on every method', async () => {
      const unknown = '00919288221112222';
      for (const response of [
        await scim.get(`/Users/${unknown}`),
        await scim.put(`/Users/${unknown}`, userBody('ghost@example.com')),
        await scim.patch(`/Users/${unknown}`, patchOp({ op: 'replace', path: 'title', value: 'x' })),
        await scim.delete(`/Users/${unknown}`),
        await scim.get(`/Groups/${unknown}`),
        await scim.put(`/Groups/${unknown}`, { schemas: [GROUP_SCHEMA], displayName: 'Ghost' }),
        await scim.patch(`/Groups/${unknown}`, patchOp({ op: 'replace', path: 'displayName', value: 'Ghost' })),
        await scim.delete(`/Groups/${unknown}`),
      ]) {
        expectError(response, 404);
        expect(response.body.status).toBe('404');
      }
      expect((await scim.get('/Users?filter=userName eq "ghost@example.com"')).body.totalResults).toBe(0);
    });

    it('answers an unknown endpoint with a SCIM 404', async () => {
      expectError(await scim.get('/Bulk'), 404);
      expectError(await scim.get('/Schemas/urn:nope'), 404);
      expectError(await scim.get('/ResourceTypes/Printer'), 404);
    });
  });

  describe('uniqueness', () => {
    it('refuses a duplicate userName in another case, and a duplicate externalId, with 409 uniqueness', async () => {
      expectError(await scim.post('/Users', userBody('ALICE@Example.COM')), 409, 'uniqueness');
      expectError(await scim.post('/Users', userBody('other@example.com', { externalId: 'ext-alice' })), 409, 'uniqueness');
      const bob = (await scim.get('/Users?filter=userName eq "bob@example.com"')).body.Resources[0];
      expectError(await scim.patch(`/Users/${bob.id}`, patchOp({ op: 'replace', path: 'userName', value: 'Alice@example.com' })), 409, 'uniqueness');
      expectError(await scim.put(`/Users/${bob.id}`, userBody('bob@example.com', { externalId: 'ext-alice' })), 409, 'uniqueness');
      expect((await scim.get(`/Users/${bob.id}`)).body).toMatchObject({ userName: 'bob@example.com', externalId: 'ext-bob' });
    });
  });

  describe('concurrent writes', () => {
    it('creates a userName once when the same create arrives several times at once; the rest get 409', async () => {
      const responses = await Promise.all(Array.from({ length: 5 }, () => scim.post('/Users', userBody('racer@example.com'))));
      expect(responses.filter((r) => r.status === 201)).toHaveLength(1);
      for (const response of responses.filter((r) => r.status !== 201)) expectError(response, 409, 'uniqueness');
      expect((await scim.get('/Users?filter=userName eq "racer@example.com"')).body.totalResults).toBe(1);
    });

    it('keeps every member when several group PATCHes add members at once', async () => {
      const created = await Promise.all(Array.from({ length: 6 }, (_, i) => scim.post('/Users', userBody(`joiner${i}@example.com`))));
      const group = await scim.post('/Groups', { schemas: [GROUP_SCHEMA], displayName: 'Busy', members: [] });
      const patches = await Promise.all(created.map((u) => scim.patch(`/Groups/${group.body.id}`, patchOp({ op: 'add', path: 'members', value: [{ value: u.body.id }] }))));
      for (const patch of patches) expect(patch.status).toBe(204);
      expect((await groupState(group.body.id)).members).toHaveLength(6);
    });
  });

  describe('PATCH errors', () => {
    it('refuses an unknown op with 400 invalidSyntax, and a missing value with invalidValue', async () => {
      expectError(await scim.patch(`/Users/${aliceId}`, patchOp({ op: 'move', path: 'title', value: 'x' })), 400, 'invalidSyntax');
      expectError(await scim.patch(`/Users/${aliceId}`, patchOp({ path: 'title', value: 'x' })), 400, 'invalidSyntax');
      expectError(await scim.patch(`/Users/${aliceId}`, patchOp({ op: 'replace', path: 'title' })), 400, 'invalidValue');
    });

    it('refuses an unknown or malformed path with 400 invalidPath', async () => {
      expectError(await scim.patch(`/Users/${aliceId}`, patchOp({ op: 'replace', path: 'shoeSize', value: 44 })), 400, 'invalidPath');
      expectError(await scim.patch(`/Users/${aliceId}`, patchOp({ op: 'replace', path: 'name.shoeSize', value: 44 })), 400, 'invalidPath');
      expectError(await scim.patch(`/Users/${aliceId}`, patchOp({ op: 'replace', path: 'emails[type eq', value: 'x' })), 400);
      expectError(await scim.patch(`/Users/${aliceId}`, patchOp({ op: 'replace', path: `${ENTERPRISE_URN}:shoeSize`, value: 1 })), 400, 'invalidPath');
    });

    it('answers a filter that selects nothing, or a remove without a path, with 400 noTarget', async () => {
      expectError(await scim.patch(`/Users/${aliceId}`, patchOp({ op: 'replace', path: 'emails[type eq "other"].value', value: 'x@y' })), 400, 'noTarget');
      expectError(await scim.patch(`/Users/${aliceId}`, patchOp({ op: 'remove' })), 400, 'noTarget');
    });

    it('refuses a change to a read-only attribute with 400 mutability', async () => {
      expectError(await scim.patch(`/Users/${aliceId}`, patchOp({ op: 'replace', path: 'id', value: 'new-id' })), 400, 'mutability');
      expectError(await scim.patch(`/Users/${aliceId}`, patchOp({ op: 'replace', path: 'meta.created', value: '2020-01-01T00:00:00Z' })), 400);
    });

    it('changes nothing when the second operation of a PATCH fails', async () => {
      const before = await memberRow(aliceId);
      const response = await scim.patch(
        `/Users/${aliceId}`,
        patchOp({ op: 'replace', path: 'title', value: 'Changed' }, { op: 'replace', path: 'shoeSize', value: 44 }),
      );
      expectError(response, 400, 'invalidPath');
      expect(await memberRow(aliceId)).toEqual(before);
      expect((await scim.get(`/Users/${aliceId}`)).body.title).toBe('Engineer');
    });

    it('changes nothing when a group PATCH names one unknown member', async () => {
      const bob = (await scim.get('/Users?filter=userName eq "bob@example.com"')).body.Resources[0].id as string;
      const before = await groupState(groupId);
      const response = await scim.patch(
        `/Groups/${groupId}`,
        patchOp(
          { op: 'replace', path: 'displayName', value: 'Renamed' },
          { op: 'remove', path: `members[value eq "${aliceId}"]` },
          { op: 'add', path: 'members', value: [{ value: bob }, { value: 'no-such-user' }] },
        ),
      );
      expectError(response, 400, 'invalidValue');
      expect(response.body.detail).toContain('no-such-user');
      expect(await groupState(groupId)).toEqual(before);
    });

    it('changes nothing, not even the workspace revision, when a create is refused', async () => {
      const revision = async () => Number((await db().selectFrom('workspace').select('revision').where('id', '=', 'acme').executeTakeFirstOrThrow()).revision);
      const before = await revision();
      const count = async () => Number((await db().selectFrom('membership').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n);
      const members = await count();
      expectError(await scim.post('/Users', userBody('refused@example.com', { [DEFAULT_WORKSPACE_URN]: { role: 'owner' } })), 400, 'invalidValue');
      expect(await revision()).toBe(before);
      expect(await count()).toBe(members);
    });
  });

  describe('provisioning log', () => {
    it('records applied writes as applied and refused ones as refused, with the detail', async () => {
      const ws = await gw.workspace({ id: 'logged', version: 'v2' });
      const client = scimClient(gw.app, ws.base, ws.token);
      const created = await client.post('/Users', userBody('logged@example.com'));
      await client.patch(`/Users/${created.body.id}`, patchOp({ op: 'replace', path: 'title', value: 'Logged' }));
      const refusedRole = await client.post('/Users', userBody('guest@example.com', { [DEFAULT_WORKSPACE_URN]: { role: 'guest' } }));
      const refusedDuplicate = await client.post('/Users', userBody('LOGGED@example.com'));
      const refusedPatch = await client.patch(`/Users/${created.body.id}`, patchOp({ op: 'replace', path: 'shoeSize', value: 1 }));
      await client.post('/Groups', { schemas: [GROUP_SCHEMA], displayName: 'Logged group', members: [{ value: created.body.id }] });
      await client.delete(`/Users/${created.body.id}`);

      const log = await readLog(db(), 'logged', { limit: 100 });
      const applied = log.filter((e) => e.result === 'applied');
      const refused = log.filter((e) => e.result === 'refused');
      expect(applied.map((e) => e.operation)).toEqual(expect.arrayContaining(['member.create', 'member.update', 'group.create', 'group_member.create', 'member.remove']));
      const create = applied.find((e) => e.operation === 'member.create')!;
      expect(create).toMatchObject({ targetId: created.body.id, targetKey: 'logged@example.com', before: null });
      expect(create.actor).toMatch(/^key:/);
      const update = applied.find((e) => e.operation === 'member.update')!;
      expect(update.before).toEqual({ title: null });
      expect(update.after).toEqual({ title: 'Logged' });

      expect(refused).toHaveLength(3);
      const details = refused.map((e) => e.errorDetail);
      expect(details).toContain(refusedRole.body.detail);
      expect(details).toContain(refusedDuplicate.body.detail);
      expect(details).toContain(refusedPatch.body.detail);
      expect(refused.map((e) => e.errorStatus).sort()).toEqual([400, 400, 409]);
      for (const entry of refused) expect(entry.actor).toMatch(/^key:/);
    });
  });

  describe('discovery', () => {
    it('tells the truth in /ServiceProviderConfig', async () => {
      const response = await scim.get('/ServiceProviderConfig');
      expect(response.status).toBe(200);
      expect(response.headers['content-type']).toMatch(/^application\/scim\+json/);
      expect(response.body).toMatchObject({
        schemas: ['urn:ietf:params:scim:schemas:core:2.0:ServiceProviderConfig'],
        patch: { supported: true },
        bulk: { supported: false },
        filter: { supported: true, maxResults: 1000 },
        changePassword: { supported: false },
        sort: { supported: true },
        etag: { supported: true },
      });
      expect(response.body.authenticationSchemes[0]).toMatchObject({ type: 'oauthbearertoken' });
    });

    it('lists User and Group in /ResourceTypes with the workspace extension', async () => {
      const response = await scim.get('/ResourceTypes');
      expect(response.body.totalResults).toBe(2);
      const user = response.body.Resources.find((r: { id: string }) => r.id === 'User');
      expect(user).toMatchObject({ endpoint: '/Users', schema: USER_SCHEMA });
      expect(user.schemaExtensions.map((e: { schema: string }) => e.schema)).toEqual(expect.arrayContaining([ENTERPRISE_URN, DEFAULT_WORKSPACE_URN]));
      expect(response.body.Resources.find((r: { id: string }) => r.id === 'Group')).toMatchObject({ endpoint: '/Groups', schema: GROUP_SCHEMA });
      expect((await scim.get('/ResourceTypes/User')).body.id).toBe('User');
    });

    it("lists the core, enterprise and the workspace's own extension schema in /Schemas", async () => {
      const plain = await scim.get('/Schemas');
      const ids = plain.body.Resources.map((s: { id: string }) => s.id);
      expect(ids).toEqual(expect.arrayContaining([USER_SCHEMA, ENTERPRISE_URN, DEFAULT_WORKSPACE_URN, GROUP_SCHEMA]));
      const one = await scim.get(`/Schemas/${ENTERPRISE_URN}`);
      expect(one.body.attributes.map((a: { name: string }) => a.name)).toContain('department');

      const b44 = await gw.workspace({ id: 'b44', preset: 'base44-v2' });
      const b44Schemas = await scimClient(gw.app, b44.base, b44.token).get('/Schemas');
      const extension = b44Schemas.body.Resources.find((s: { id: string }) => s.id === BASE44_URN);
      expect(extension).toBeDefined();
      expect(extension.attributes.map((a: { name: string }) => a.name)).toEqual(expect.arrayContaining(['role', 'creditLimit']));
      expect(b44Schemas.body.Resources.map((s: { id: string }) => s.id)).not.toContain(DEFAULT_WORKSPACE_URN);

      const ap = await gw.workspace({ id: 'ap', preset: 'activepieces' });
      const apSchemas = await scimClient(gw.app, ap.base, ap.token).get('/Schemas');
      const apExtension = apSchemas.body.Resources.find((s: { id: string }) => s.id === 'urn:ietf:params:scim:schemas:activepieces:1.0:CustomUserAttributes');
      expect(apExtension.attributes.map((a: { name: string }) => a.name)).toContain('platformRole');
    });

    it('answers every error with the Error schema only', async () => {
      const response = await scim.get('/Users/nope');
      expect(response.body.schemas).toEqual([ERROR_SCHEMA]);
    });
  });
});
