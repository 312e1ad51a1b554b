import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GROUP_SCHEMA, scimClient, startTestGateway, USER_SCHEMA, type TestGateway } from '../../support/test-gateway.js';
import { DIALECTS } from '../../support/test-store.js';
import { DEFAULT_WORKSPACE_URN, isScimError, userBody, type Scim } from './scim-kit.js';

const SEARCH_REQUEST = 'urn:ietf:params:scim:api:messages:2.0:SearchRequest';

type Attribute = { name: string; mutability: string; uniqueness: string; canonicalValues?: string[]; subAttributes?: Attribute[] };
const schemaOf = async (scim: Scim, urn: string) => (await scim.get(`/Schemas/${urn}`)).body as { attributes: Attribute[] };
const attributeOf = (schema: { attributes: Attribute[] }, name: string) => schema.attributes.find((a) => a.name === name);

describe.each(DIALECTS)('discovery and root search on %s', (dialect) => {
  let gw: TestGateway;
  let v2: Scim;
  let v1: Scim;
  let mapped: Scim;
  const userIds: string[] = [];
  const groupIds: string[] = [];

  beforeAll(async () => {
    gw = await startTestGateway(dialect);
    const a = await gw.workspace({ id: 'acme', version: 'v2' });
    v2 = scimClient(gw.app, a.base, a.token);
    const b = await gw.workspace({ id: 'seats', version: 'v1', policy: { defaultSeatType: 'pro' } });
    v1 = scimClient(gw.app, b.base, b.token);
    const c = await gw.workspace({ id: 'mapped', version: 'v2', policy: { roleSource: { kind: 'roles' }, roleValueMap: { ADMIN: 'admin', OPERATOR: 'editor' } } });
    mapped = scimClient(gw.app, c.base, c.token);
    for (const name of ['ann', 'bea', 'cid']) userIds.push((await v2.post('/Users', userBody(`${name}@example.com`, { displayName: `S ${name}` }))).body.id);
    for (const name of ['Sales', 'Support']) groupIds.push((await v2.post('/Groups', { schemas: [GROUP_SCHEMA], displayName: name, members: [{ value: userIds[0] }] })).body.id);
    await v1.post('/Users', userBody('other-tenant@example.com'));
  });
  afterAll(() => gw.close());

  describe('/Schemas as the workspace policy treats it', () => {
    it('leaves seatType out of a V2 workspace extension and lists its roles as canonicalValues', async () => {
      const extension = await schemaOf(v2, DEFAULT_WORKSPACE_URN);
      expect(attributeOf(extension, 'seatType')).toBeUndefined();
      expect(attributeOf(extension, 'role')?.canonicalValues).toEqual(['admin', 'editor', 'viewer']);
      expect(attributeOf(extension, 'creditLimit')?.mutability).toBe('readWrite');
    });

    it('lists the value map and the roles on roles.value where the role comes from the core roles attribute', async () => {
      const core = await schemaOf(mapped, USER_SCHEMA);
      const value = attributeOf(core, 'roles')?.subAttributes?.find((s) => s.name === 'value');
      expect(value?.canonicalValues).toEqual(['ADMIN', 'OPERATOR', 'admin', 'editor', 'viewer']);
      expect(attributeOf(await schemaOf(v2, USER_SCHEMA), 'roles')?.subAttributes?.find((s) => s.name === 'value')?.canonicalValues).toBeUndefined();
    });

    it('leaves a V1 workspace extension as it was, seatType read-write', async () => {
      const extension = await schemaOf(v1, DEFAULT_WORKSPACE_URN);
      expect(attributeOf(extension, 'seatType')?.mutability).toBe('readWrite');
      expect(attributeOf(extension, 'role')?.canonicalValues).toBeUndefined();
    });

    it('declares a Group displayName unique per server, as the 409 on a duplicate says', async () => {
      expect(attributeOf(await schemaOf(v2, GROUP_SCHEMA), 'displayName')?.uniqueness).toBe('server');
      expect((await v2.post('/Groups', { schemas: [GROUP_SCHEMA], displayName: 'sales' })).status).toBe(409);
    });
  });

  describe('POST /.search at the service root', () => {
    const search = (body: Record<string, unknown>) => v2.post('/.search', { schemas: [SEARCH_REQUEST], ...body });
    const ids = (body: Record<string, any>) => (body.Resources as { id: string }[]).map((r) => r.id);

    it('returns the Users, then the Groups, paged as one list', async () => {
      const all = await search({});
      expect(all.status).toBe(200);
      expect(all.headers['content-type']).toMatch(/^application\/scim\+json/);
      expect(all.body.totalResults).toBe(5);
      expect(ids(all.body)).toEqual([...userIds, ...groupIds]);
      const across = await search({ startIndex: 3, count: 2 });
      expect(across.body).toMatchObject({ totalResults: 5, startIndex: 3, itemsPerPage: 2 });
      expect(ids(across.body)).toEqual([userIds[2], groupIds[0]]);
      expect(ids((await search({ startIndex: 5, count: 10 })).body)).toEqual([groupIds[1]]);
      expect((await search({ count: 0 })).body).toMatchObject({ totalResults: 5, itemsPerPage: 0, Resources: [] });
    });

    it('searches one resource type when the filter selects it by meta.resourceType or schemas', async () => {
      expect(ids((await search({ filter: 'meta.resourceType eq "Group"' })).body)).toEqual(groupIds);
      expect(ids((await search({ filter: `schemas eq "${USER_SCHEMA}" and userName sw "b"` })).body)).toEqual([userIds[1]]);
      expect(ids((await search({ filter: 'meta.resourceType eq "Printer"' })).body)).toEqual([]);
      const sorted = await search({ filter: 'meta.resourceType eq "User"', sortBy: 'userName', sortOrder: 'descending' });
      expect(ids(sorted.body)).toEqual([...userIds].reverse());
    });

    it('applies a filter to each type that has its attributes', async () => {
      expect(ids((await search({ filter: 'displayName sw "S"' })).body)).toEqual([...userIds, ...groupIds]);
      expect(ids((await search({ filter: 'userName eq "ann@example.com" or displayName eq "Support"' })).body)).toEqual([userIds[0], groupIds[1]]);
      expect(ids((await search({ filter: `members eq "${userIds[0]}"` })).body)).toEqual(groupIds);
    });

    it('refuses an attribute no type has, and sortBy over both types, with 400', async () => {
      const unknown = await search({ filter: 'shoeSize eq "44"' });
      expect(isScimError(unknown.body, 400)).toBe(true);
      expect(unknown.body.scimType).toBe('invalidFilter');
      const sortedBoth = await search({ sortBy: 'displayName' });
      expect(isScimError(sortedBoth.body, 400)).toBe(true);
    });
  });
});
