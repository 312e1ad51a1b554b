import { describe, expect, it } from 'vitest';
import { scimClient, startTestGateway } from '../../support/test-gateway.js';

describe('an unexpected failure', () => {
  it('is a 500 SCIM error carrying the request id, never a 404', async () => {
    const gw = await startTestGateway('sqlite');
    const ws = await gw.workspace({ id: 'acme', version: 'v2' });
    const scim = scimClient(gw.app, ws.base, ws.token);
    // The database goes away under the running server.
    await gw.db.store.close();
    const response = await scim.get('/Users/some-id');
    expect(response.status).toBe(500);
    expect(response.headers['content-type']).toContain('application/scim+json');
    expect(response.body).toMatchObject({ schemas: ['urn:ietf:params:scim:api:messages:2.0:Error'], status: '500' });
    expect(response.body.detail).toMatch(/^internal error \(request id [0-9a-f-]{36}\)/);
    await gw.app.close();
    await gw.db.cleanup().catch(() => undefined);
  });
});
