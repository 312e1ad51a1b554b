import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createWorkspace } from '../../../src/admin/create-workspace.js';
import { insertChunk, rowChunks } from '../../../src/store/row-chunks.js';
import { DIALECTS, openTestStore, type TestStore } from '../../support/test-store.js';

/**
 * Bulk inserts (row-chunks.ts) store exactly what they were given on both databases, whether as VALUES lists
 * (SQLite) or as one JSON parameter per chunk with its nulls left out (PostgreSQL).
 */
describe.each(DIALECTS)('rowChunks on %s', (dialect) => {
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
    // What JSON and array literals must survive: quotes, backslashes, braces, commas, non-Latin text, emoji.
    target_key: n % 2 ? `o'brien "q" \\ {a,b} ${n}` : `Zoë 東京 🙂 ${n}`,
    before: null,
    after: JSON.stringify({ userName: `u${n}@x.com`, note: 'line\nbreak\ttab' }),
    result: 'applied' as const,
    error_status: n % 3 === 0 ? 409 : null,
    error_detail: n % 3 === 0 ? '' : null,
    request_id: null,
    at: '2026-12-01T00:00:00.000Z',
  });

  it('writes every row with its values, nulls and empty strings intact, across chunk boundaries', async () => {
    // More than one JSON chunk (5,000) on PostgreSQL, many VALUES chunks on SQLite.
    const rows = Array.from({ length: 5_003 }, (_, n) => row(n));
    let statements = 0;
    for (const chunk of rowChunks(db.store.db, 'provisioning_log', COLUMNS, rows, 400)) {
      await insertChunk(db.store.db.insertInto('provisioning_log'), COLUMNS, chunk).execute();
      statements++;
    }
    expect(statements).toBe(dialect === 'postgres' ? 2 : 13);
    const stored = await db.store.db.selectFrom('provisioning_log').select(COLUMNS).orderBy('id').execute();
    expect(stored.map((r) => ({ ...r, error_status: r.error_status === null ? null : Number(r.error_status) }))).toEqual(rows);
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

  it('is one statement: a chunk that fails writes none of its rows', async () => {
    const before = await sql<{ n: number }>`select count(*) as n from account`.execute(db.store.db);
    const now = '2026-12-01T00:00:00.000Z';
    // The second row repeats the first's primary key.
    const rows = [{ id: 'dup', email: 'dup1@x.com', created_at: now }, { id: 'dup', email: 'dup2@x.com', created_at: now }];
    const columns = ['id', 'email', 'created_at'] as const;
    const [chunk] = [...rowChunks(db.store.db, 'account', columns, rows, 10)];
    await expect(insertChunk(db.store.db.insertInto('account'), columns, chunk!).execute()).rejects.toThrow();
    const after = await sql<{ n: number }>`select count(*) as n from account`.execute(db.store.db);
    expect(Number(after.rows[0]!.n)).toBe(Number(before.rows[0]!.n));
  });
});
