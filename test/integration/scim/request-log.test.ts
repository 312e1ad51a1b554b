import { Writable } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createApiKey } from '../../../src/admin/create-api-key.js';
import { createWorkspace } from '../../../src/admin/create-workspace.js';
import { configSchema } from '../../../src/config/config-schema.js';
import { buildServer } from '../../../src/daemon/build-server.js';
import { createLogger } from '../../../src/log/create-logger.js';
import { DIALECTS, openTestStore, type TestDialect, type TestStore } from '../../support/test-store.js';

/** `log.requests` (on by default): one line per request that says what was asked and how it ended, and no secret. */
describe.each(DIALECTS)('the request log on %s', (dialect: TestDialect) => {
  let db: TestStore;
  const lines: Record<string, unknown>[] = [];
  beforeEach(async () => {
    lines.length = 0;
    db = await openTestStore(dialect);
  });
  afterEach(() => db.cleanup());

  it('writes method, route template, status, time, workspace and request id, and never the key or a filter value', async () => {
    const destination = new Writable({
      write(chunk: Buffer, _encoding, done) {
        for (const line of chunk.toString().split('\n').filter(Boolean)) lines.push(JSON.parse(line) as Record<string, unknown>);
        done();
      },
    });
    const config = configSchema.parse({ log: { level: 'info', requests: true } });
    const app = await buildServer({ store: db.store, config, log: createLogger({ level: 'info', destination }) });
    try {
      const now = new Date().toISOString();
      await createWorkspace(db.store.db, { id: 'acme', version: 'v2', now });
      const { token } = await createApiKey(db.store.db, { workspaceId: 'acme', name: 'k', now });
      const found = await app.inject({ url: `/scim/v2/organizations/acme/Users?filter=${encodeURIComponent('userName eq "secret-ada@acme.example"')}`, headers: { authorization: `Bearer ${token}` } });
      expect(found.statusCode).toBe(200);
      const refused = await app.inject({ url: '/scim/v2/organizations/acme/Users', headers: { authorization: 'Bearer rosterd_wrong' } });
      expect(refused.statusCode).toBe(401);
    } finally {
      await app.close();
    }
    const requests = lines.filter((l) => l.msg === 'request');
    expect(requests).toHaveLength(2);
    expect(requests[0]).toMatchObject({ level: 30, method: 'GET', route: '/scim/v2/organizations/:workspaceId/Users', status: 200, workspaceId: 'acme', service: 'rosterd' });
    expect(typeof requests[0]!.reqId).toBe('string');
    expect(typeof requests[0]!.ms).toBe('number');
    expect(requests[1]).toMatchObject({ status: 401 });
    expect(requests[0]!.reqId).not.toBe(requests[1]!.reqId);
    const text = JSON.stringify(lines);
    expect(text).not.toContain('secret-ada');
    expect(text).not.toContain('rosterd_');
  });
});
