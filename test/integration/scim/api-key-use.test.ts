import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createApiKey } from '../../../src/admin/create-api-key.js';
import { hashSecret, parseApiKey } from '../../../src/model/api-key-token.js';
import { listApiKeys } from '../../../src/store/api-key-repository.js';
import { scimClient, startTestGateway, type TestGateway } from '../../support/test-gateway.js';
import { DIALECTS } from '../../support/test-store.js';
import { isScimError } from './scim-kit.js';

/** The API key model: only a hash is stored, and the key's last use is recorded. */
describe.each(DIALECTS)('API key use on %s', (dialect) => {
  let gw: TestGateway;
  let ws: { id: string; token: string; base: string };

  beforeAll(async () => {
    gw = await startTestGateway(dialect);
    ws = await gw.workspace({ id: 'acme', version: 'v2' });
  });
  afterAll(() => gw.close());

  const keyInfo = async (keyId: string) => (await listApiKeys(gw.db.store.db, ws.id)).find((k) => k.id === keyId)!;

  it('records when a key was last used, from its first SCIM request', async () => {
    const { keyId } = parseApiKey(ws.token)!;
    expect((await keyInfo(keyId)).lastUsedAt).toBeNull();
    const before = new Date().toISOString();
    const response = await scimClient(gw.app, ws.base, ws.token).get('/Users');
    expect(response.status).toBe(200);
    const after = new Date().toISOString();
    // The use is recorded beside the request, not before its answer: wait for the write to land.
    const lastUsedAt = await vi.waitFor(
      async () => {
        const seen = (await keyInfo(keyId)).lastUsedAt;
        if (seen === null) throw new Error('last_used_at is not set yet');
        return seen;
      },
      { timeout: 5_000, interval: 10 },
    );
    expect(new Date(lastUsedAt).toISOString()).toBe(lastUsedAt);
    expect(lastUsedAt >= before && lastUsedAt <= after).toBe(true);
  });

  it('does not count a refused request as a use of the key it names', async () => {
    const now = new Date().toISOString();
    const refusedKey = await createApiKey(gw.db.store.db, { workspaceId: ws.id, name: 'refused', now });
    const usedKey = await createApiKey(gw.db.store.db, { workspaceId: ws.id, name: 'used', now });
    // The right key id with a wrong secret.
    const wrongSecret = `rosterd_${refusedKey.key.id}_${'A'.repeat(43)}`;
    const refused = await scimClient(gw.app, ws.base, wrongSecret).get('/Users');
    expect(refused.status).toBe(401);
    expect(isScimError(refused.body, 401)).toBe(true);
    expect((await scimClient(gw.app, ws.base, usedKey.token).get('/Users')).status).toBe(200);
    await vi.waitFor(async () => expect((await keyInfo(usedKey.key.id)).lastUsedAt).not.toBeNull(), { timeout: 5_000, interval: 10 });
    expect((await keyInfo(refusedKey.key.id)).lastUsedAt).toBeNull();
  });

  it('stores only the hash of the secret, no part of the secret itself', async () => {
    const { keyId, secret } = parseApiKey(ws.token)!;
    const row = await gw.db.store.db.selectFrom('api_key').selectAll().where('id', '=', keyId).executeTakeFirstOrThrow();
    expect(row.hash).toBe(hashSecret(secret));
    const stored = JSON.stringify(row);
    // No 8 characters in a row of the secret appear anywhere in the row (hash, name, description, id, times).
    for (let start = 0; start + 8 <= secret.length; start++) expect(stored).not.toContain(secret.slice(start, start + 8));
    expect(stored).not.toContain(ws.token);
  });
});
