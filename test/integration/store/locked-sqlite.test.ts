import SQLite from 'better-sqlite3';
import { sql } from 'kysely';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openStore } from '../../../src/cli/open-store.js';
import { listWorkspaces } from '../../../src/store/workspace-repository.js';
import { scimClient, startTestGateway, USER_SCHEMA, type TestGateway } from '../../support/test-gateway.js';

/**
 * Another process (a second gateway, a CLI command, an operator's sqlite3 shell) holding the SQLite file's write lock:
 * commands that only read still run, and a SCIM write that cannot get the lock is a retryable 503 that changed nothing.
 */
describe('a SQLite database whose write lock another connection holds', () => {
  let gw: TestGateway;
  let holder: SQLite.Database;
  beforeEach(async () => {
    gw = await startTestGateway('sqlite');
    holder = new SQLite(gw.db.url.slice('sqlite:'.length));
    holder.pragma('busy_timeout = 0');
    holder.exec('begin immediate');
  });
  afterEach(async () => {
    if (holder.inTransaction) holder.exec('rollback');
    holder.close();
    await gw.close();
  });

  it('opens for a CLI command without waiting: a current database needs no migration, so no write lock', async () => {
    const { store } = await openStore({ database: gw.db.url });
    try {
      expect((await listWorkspaces(store.db)).map((w) => w.id)).toEqual([]);
    } finally {
      await store.close();
    }
  });

  it("waits for the lock between turns of the event loop for a write outside writeTransaction, never in SQLite's busy handler", async () => {
    const { store } = gw.db;
    let done = false;
    const write = sql`update workspace set name = 'Renamed' where id = 'none'`.execute(store.db).then(() => (done = true));
    // Timers still fire while the write waits: the process goes on serving others.
    for (let i = 0; i < 5; i++) await sleep(5);
    expect(done).toBe(false);
    holder.exec('commit');
    await write;
    expect(done).toBe(true);
  });

  it('answers a SCIM write 503 with Retry-After when the lock stays held, and the write is not made', async () => {
    holder.exec('rollback');
    const ws = await gw.workspace({ id: 'acme', version: 'v2' });
    holder.exec('begin immediate');
    const scim = scimClient(gw.app, ws.base, ws.token);
    const response = await scim.post('/Users', { schemas: [USER_SCHEMA], userName: 'ada@example.com', externalId: 'ext-ada', active: true });
    expect(response.status).toBe(503);
    expect(response.headers['retry-after']).toBe('1');
    expect(response.body).toMatchObject({ schemas: ['urn:ietf:params:scim:api:messages:2.0:Error'], status: '503' });
    expect(response.body.detail).toMatch(/^the database is busy \(another process held its write lock for \d+ ms\); nothing changed; retry the request$/);

    holder.exec('rollback');
    const list = await scim.get('/Users?filter=userName eq "ada@example.com"');
    expect(list.body.totalResults).toBe(0);
  });
});
