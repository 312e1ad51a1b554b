import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createWorkspace } from '../../../src/admin/create-workspace.js';
import { insertChunk, insertRows, rowChunks } from '../../../src/store/bulk-insert.js';
import { DIALECTS, openTestStore, type TestStore } from '../../support/test-store.js';

/**
 * Bulk inserts (bulk-insert.ts) store exactly what they were given on both databases: as VALUES lists on
 * SQLite; on PostgreSQL as COPY text (insertRows) or as one JSON parameter per chunk with its nulls left out
 * (rowChunks).
 */
describe.each(DIALECTS)('bulk inserts on %s', (dialect) => {
  let db: TestStore;
  beforeAll(async () => {
    db = await openTestStore(dialect);
    await createWorkspace(db.store.db, { id: 'acme', version: 'v2', now: new Date().toISOString() });
  });
  afterAll(() => db.cleanup());

  const COLUMNS = ['workspace_id', 'actor', 'operation', 'target_kind', 'target_id', 'target_key', 'before', 'after', 'result', 'error_status', 'error_detail', 'request_id', 'at'] as const;
  const row = (n: number) => ({
    workspace_id: 'acme',
    actor: 'connector:entra',
    operation: 'member.create',
    target_kind: 'member',
    target_id: `id-${n}`,
    // What JSON and COPY text must survive: quotes, backslashes, tabs, line breaks, COPY's own null marker
    // spelled out, non-Latin text, emoji.
    target_key: [`o'brien "q" \\ {a,b} ${n}`, `Zoë 東京 🙂 ${n}`, `tab\there\r\nline ${n}`, `\\N ${n}`][n % 4],
    before: null,
    after: JSON.stringify({ userName: `u${n}@x.com`, note: 'line\nbreak\ttab' }),
    result: 'applied' as const,
    error_status: n % 3 === 0 ? 409 : null,
    error_detail: n % 3 === 0 ? '' : null,
    request_id: null,
    at: '2026-12-01T00:00:00.000Z',
  });

  const read = async () => {
    const stored = await db.store.db.selectFrom('provisioning_log').select(COLUMNS).orderBy('id').execute();
    return stored.map((r) => ({ ...r, error_status: r.error_status === null ? null : Number(r.error_status) }));
  };

  it('insertRows writes every row with its values, nulls and empty strings intact, across chunk boundaries', async () => {
    await db.store.db.deleteFrom('provisioning_log').execute();
    // More than one COPY (5,000 rows) on PostgreSQL, many VALUES lists on SQLite.
    const rows = Array.from({ length: 5_003 }, (_, n) => row(n));
    await insertRows(db.store.db, 'provisioning_log', COLUMNS, rows, 400);
    expect(await read()).toEqual(rows);
  });

  it('insertRows inside a transaction commits or rolls back with it', async () => {
    await db.store.db.deleteFrom('provisioning_log').execute();
    await db.store.writeTransaction((trx) => insertRows(trx, 'provisioning_log', COLUMNS, [row(1), row(2)], 400));
    await expect(
      db.store.writeTransaction(async (trx) => {
        await insertRows(trx, 'provisioning_log', COLUMNS, [row(3)], 400);
        throw new Error('roll back');
      }),
    ).rejects.toThrow('roll back');
    expect((await read()).map((r) => r.target_id)).toEqual(['id-1', 'id-2']);
  });

  it('rowChunks writes every row with its values, nulls and empty strings intact, across chunk boundaries', async () => {
    await db.store.db.deleteFrom('provisioning_log').execute();
    // More than one JSON chunk (5,000) on PostgreSQL, many VALUES chunks on SQLite.
    const rows = Array.from({ length: 5_003 }, (_, n) => row(n));
    let statements = 0;
    for (const chunk of rowChunks(db.store.db, 'provisioning_log', COLUMNS, rows, 400)) {
      await insertChunk(db.store.db.insertInto('provisioning_log'), COLUMNS, chunk).execute();
      statements++;
    }
    expect(statements).toBe(dialect === 'postgres' ? 2 : 13);
    expect(await read()).toEqual(rows);
  });

  it('takes ON CONFLICT and RETURNING like any insert', async () => {
    const columns = ['id', 'email', 'created_at'] as const;
    const upsert = async (rows: { id: string; email: string; created_at: string }[]) => {
      const out: { id: string; email: string }[] = [];
      for (const chunk of rowChunks(db.store.db, 'account', columns, rows, 2)) {
        out.push(
          ...(await insertChunk(db.store.db.insertInto('account'), columns, chunk)
            .onConflict((oc) => oc.column('email').doUpdateSet((eb) => ({ email: eb.ref('excluded.email') })))
            .returning(['id', 'email'])
            .execute()),
        );
      }
      return out.sort((a, b) => a.email.localeCompare(b.email));
    };
    const now = '2026-12-01T00:00:00.000Z';
    expect(await upsert([{ id: 'a1', email: 'a@x.com', created_at: now }, { id: 'b1', email: 'b@x.com', created_at: now }, { id: 'c1', email: 'c@x.com', created_at: now }])).toEqual([
      { id: 'a1', email: 'a@x.com' },
      { id: 'b1', email: 'b@x.com' },
      { id: 'c1', email: 'c@x.com' },
    ]);
    // Existing emails keep their ids; the new one is created.
    expect(await upsert([{ id: 'a2', email: 'a@x.com', created_at: now }, { id: 'd2', email: 'd@x.com', created_at: now }])).toEqual([
      { id: 'a1', email: 'a@x.com' },
      { id: 'd2', email: 'd@x.com' },
    ]);
  });

  it('is one statement: a chunk that fails writes none of its rows, and a duplicate is a unique violation', async () => {
    const before = await sql<{ n: number }>`select count(*) as n from account`.execute(db.store.db);
    const now = '2026-12-01T00:00:00.000Z';
    // The second row repeats the first's primary key.
    const rows = [{ id: 'dup', email: 'dup1@x.com', created_at: now }, { id: 'dup', email: 'dup2@x.com', created_at: now }];
    const columns = ['id', 'email', 'created_at'] as const;
    const [chunk] = [...rowChunks(db.store.db, 'account', columns, rows, 10)];
    const viaChunk = await insertChunk(db.store.db.insertInto('account'), columns, chunk!).execute().catch((error: unknown) => error);
    expect(db.store.dialect.isUniqueViolation(viaChunk)).toBe(true);
    const viaRows = await insertRows(db.store.db, 'account', columns, rows, 10).catch((error: unknown) => error);
    expect(db.store.dialect.isUniqueViolation(viaRows)).toBe(true);
    const after = await sql<{ n: number }>`select count(*) as n from account`.execute(db.store.db);
    expect(Number(after.rows[0]!.n)).toBe(Number(before.rows[0]!.n));
    // The connection is usable after a failed COPY.
    expect((await sql<{ one: number }>`select 1 as one`.execute(db.store.db)).rows[0]!.one).toBe(1);
  });
});
