import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DIALECTS } from '../../support/test-store.js';
import { patchOp, scimClient, startTestGateway, USER_SCHEMA, type TestGateway } from '../../support/test-gateway.js';

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
});
