import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createWorkspace } from '../../../src/admin/create-workspace.js';
import { readConnectorState, recordGoodCycle } from '../../../src/store/connector-state-repository.js';
import { DIALECTS, openTestStore, type TestStore } from '../../support/test-store.js';

/** A cursor shaped like the Entra connector's: thousands of random ids, which no compressor shrinks. */
function largeCursor(users: number): string {
  return 'entra2.' + JSON.stringify({ d: 'https://graph.microsoft.com/v1.0/users/delta?$deltatoken=x', s: 'id', a: [['AbCdEfGh', Array.from({ length: users }, () => randomUUID())]] });
}

/** Connector cursors (megabytes of random ids for a large directory) are kept whole, and uncompressed on PostgreSQL. */
describe.each(DIALECTS)('connector cursors on %s', (dialect) => {
  let db: TestStore;
  beforeEach(async () => {
    db = await openTestStore(dialect);
    await createWorkspace(db.store.db, { id: 'acme', version: 'v2', now: new Date().toISOString() });
  });
  afterEach(() => db.cleanup());

  it('stores and replaces a large cursor exactly', async () => {
    const first = largeCursor(20_000);
    await recordGoodCycle(db.store.db, 'acme', 'entra', '2026-12-01T00:00:00.000Z', first);
    expect((await readConnectorState(db.store.db, 'acme', 'entra')).cursor).toBe(first);
    const second = largeCursor(20_000);
    await recordGoodCycle(db.store.db, 'acme', 'entra', '2026-12-01T00:01:00.000Z', second);
    expect(await readConnectorState(db.store.db, 'acme', 'entra')).toEqual({ cursor: second, lastGoodAt: '2026-12-01T00:01:00.000Z', lastFullAt: null, fullDue: null, settingsHash: null });
  });

  it.runIf(dialect === 'postgres')('keeps cursor columns out of compression', async () => {
    const { rows } = await sql<{ table: string; storage: string }>`
      select c.relname as table, a.attstorage as storage from pg_attribute a join pg_class c on c.oid = a.attrelid
      where c.relnamespace = current_schema()::regnamespace and a.attname = 'cursor' and c.relname in ('connector_state', 'plan') order by 1`.execute(db.store.db);
    expect(rows).toEqual([
      { table: 'connector_state', storage: 'e' },
      { table: 'plan', storage: 'e' },
    ]);
    const cursor = largeCursor(20_000);
    await recordGoodCycle(db.store.db, 'acme', 'entra', '2026-12-01T00:00:00.000Z', cursor);
    const { rows: sizes } = await sql<{ stored: number }>`select pg_column_size(cursor) as stored from connector_state`.execute(db.store.db);
    expect(Number(sizes[0]!.stored)).toBe(Buffer.byteLength(cursor));
  });
});
