import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DIALECTS } from '../../support/test-store.js';
import { patchOp, scimClient, startTestGateway, USER_SCHEMA, type TestGateway } from '../../support/test-gateway.js';
import { BASE44_URN, ENTERPRISE_URN, userBody } from './scim-kit.js';

describe.each(DIALECTS)('SCIM Users on %s', (dialect) => {
  let gw: TestGateway;
  let scim: ReturnType<typeof scimClient>;

  beforeAll(async () => {
    gw = await startTestGateway(dialect);
    const ws = await gw.workspace({ id: 'acme', version: 'v2' });
    scim = scimClient(gw.app, ws.base, ws.token);
  });
  afterAll(() => gw.close());

  it('creates, reads, filters, patches and deletes a user', async () => {
    const created = await scim.post('/Users', {
      schemas: [USER_SCHEMA],
      userName: 'Alice@Example.com',
      externalId: 'ext-alice',
      name: { givenName: 'Alice', familyName: 'Liddell' },
      emails: [{ value: 'alice@example.com', type: 'work', primary: true }],
      active: true,
    });
    expect(created.status).toBe(201);
    expect(created.headers['content-type']).toContain('application/scim+json');
    expect(created.headers.location).toMatch(/\/scim\/v2\/organizations\/acme\/Users\//);
    const id = created.body.id as string;
    expect(created.body.meta.version).toBe('W/"1"');

    const byName = await scim.get('/Users?filter=userName%20eq%20%22alice@example.com%22');
    expect(byName.status).toBe(200);
    expect(byName.body.totalResults).toBe(1);
    expect(byName.body.Resources[0].id).toBe(id);

    const byExternal = await scim.get('/Users?filter=externalId eq "ext-alice"');
    expect(byExternal.body.totalResults).toBe(1);

    const patched = await scim.patch(`/Users/${id}`, patchOp({ op: 'Replace', path: 'active', value: 'False' }));
    expect(patched.status).toBe(200);
    expect(patched.body.active).toBe(false);

    const deleted = await scim.delete(`/Users/${id}`);
    expect(deleted.status).toBe(204);
    const gone = await scim.get(`/Users/${id}`);
    expect(gone.status).toBe(404);
    expect(gone.body.status).toBe('404');
  });

  describe('PUT replaces the whole resource (Okta sends every profile update this way)', () => {
    it('clears every attribute the PUT leaves out', async () => {
      const full = userBody('put.full@example.com', {
        schemas: [USER_SCHEMA, ENTERPRISE_URN],
        externalId: 'ext-put-full',
        name: { givenName: 'Pat', familyName: 'Full', formatted: 'Pat Full' },
        displayName: 'Pat Full',
        nickName: 'Patty',
        title: 'Head of Things',
        preferredLanguage: 'en',
        phoneNumbers: [{ value: '+1 555 0100', type: 'work', primary: true }],
        addresses: [{ streetAddress: '1 Main St', locality: 'Springfield', country: 'US', type: 'work' }],
        roles: [{ value: 'Reviewer', primary: true }],
        [ENTERPRISE_URN]: { department: 'Sales', employeeNumber: '42', costCenter: 'CC-1', manager: { value: 'boss-1' } },
      });
      const created = await scim.post('/Users', full);
      expect(created.status).toBe(201);
      const id = created.body.id as string;
      expect(created.body).toMatchObject({ title: 'Head of Things', nickName: 'Patty', [ENTERPRISE_URN]: { department: 'Sales' } });

      const put = await scim.put(`/Users/${id}`, userBody('put.full@example.com', { externalId: 'ext-put-full' }));
      expect(put.status, JSON.stringify(put.body)).toBe(200);
      const read = await scim.get(`/Users/${id}`);
      expect(read.status).toBe(200);
      for (const gone of ['name', 'displayName', 'nickName', 'title', 'preferredLanguage', 'phoneNumbers', 'addresses', 'roles', ENTERPRISE_URN]) {
        expect(read.body, gone).not.toHaveProperty([gone]);
        expect(put.body, gone).not.toHaveProperty([gone]);
      }
      expect(read.body.schemas).not.toContain(ENTERPRISE_URN);
      // What the PUT did send is kept as sent.
      expect(read.body).toMatchObject({ userName: 'put.full@example.com', externalId: 'ext-put-full', active: true, emails: [{ value: 'put.full@example.com', type: 'work', primary: true }] });
      const row = await gw.db.store.db.selectFrom('membership').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
      expect(row).toMatchObject({ title: null, nick_name: null, display_name: null, given_name: null, department: null, employee_number: null, manager_id: null, phone_numbers: null, addresses: null });
    });

    it('clears a V2 creditLimit when the PUT leaves it out (base44-v2 preset)', async () => {
      const v2 = await gw.workspace({ id: 'b44', preset: 'base44-v2' });
      const b44 = scimClient(gw.app, v2.base, v2.token);
      const body = (ext: Record<string, unknown>) => userBody('capped@example.com', { schemas: [USER_SCHEMA, BASE44_URN], [BASE44_URN]: ext });
      const created = await b44.post('/Users', body({ role: 'editor', creditLimit: 500 }));
      expect(created.status, JSON.stringify(created.body)).toBe(201);
      expect(created.body[BASE44_URN]).toEqual({ role: 'editor', creditLimit: 500 });

      const put = await b44.put(`/Users/${created.body.id}`, body({ role: 'editor' }));
      expect(put.status, JSON.stringify(put.body)).toBe(200);
      expect(put.body[BASE44_URN]).toEqual({ role: 'editor' });
      expect((await b44.get(`/Users/${created.body.id}`)).body[BASE44_URN]).toEqual({ role: 'editor' });
      const row = await gw.db.store.db.selectFrom('membership').select(['role', 'credit_limit']).where('id', '=', created.body.id).executeTakeFirstOrThrow();
      expect(row).toEqual({ role: 'editor', credit_limit: null });
    });
  });
});
