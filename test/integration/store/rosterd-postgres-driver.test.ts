import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createWorkspace } from '../../../src/admin/create-workspace.js';
import { preparedQuery } from '../../../src/store/prepared-query.js';
import { createDb } from '../../../src/store/create-db.js';
import { postgresSupport } from '../../../src/store/dialect/postgres/postgres-support.js';
import { openTestStore, TEST_POSTGRES_URL, type TestStore } from '../../support/test-store.js';

/**
 * rosterd's Kysely driver for PostgreSQL: a preparedQuery runs as a named statement, prepared once per connection,
 * and keeps working when a migration changes the shape of a table it selects `*` from; a bulk insert uses COPY.
 */
describe('the PostgreSQL driver', () => {
  let db: TestStore;
  beforeAll(async () => {
    db = await openTestStore('postgres');
    await createWorkspace(db.store.db, { id: 'acme', name: 'Acme', version: 'v2', now: new Date().toISOString() });
  });
  afterAll(() => db.cleanup());

  it('prepares a prepared query once on the connection and runs it by name', async () => {
    const byId = preparedQuery((k, id: string) => k.selectFrom('workspace').select(['id', 'name']).where('id', '=', id), ['']);
    await db.store.db.connection().execute(async (conn) => {
      for (let i = 0; i < 3; i++) expect(await byId(conn, 'acme')).toEqual([{ id: 'acme', name: 'Acme' }]);
      expect(await byId(conn, 'nope')).toEqual([]);
      const { rows } = await sql<{ name: string; statement: string }>`select name, statement from pg_prepared_statements`.execute(conn);
      const mine = rows.filter((r) => r.statement.includes('"workspace"') && r.statement.includes('"name"'));
      expect(mine).toHaveLength(1);
      expect(mine[0]!.name).toMatch(/^rosterd_\d+$/);
    });
  });

  it('leaves other statements unnamed', async () => {
    await db.store.db.connection().execute(async (conn) => {
      await conn.selectFrom('workspace').select('id').where('name', '=', 'Acme').execute();
      const { rows } = await sql<{ statement: string }>`select statement from pg_prepared_statements`.execute(conn);
      expect(rows.filter((r) => r.statement.includes('where "name" ='))).toEqual([]);
    });
  });

  it('runs a prepared `select *` again after the table gained a column', async () => {
    // This suite's own schema: the change goes with it.
    const whole = preparedQuery((k, id: string) => k.selectFrom('workspace').selectAll().where('id', '=', id).where('version', 'is not', null), ['']);
    await db.store.db.connection().execute(async (conn) => {
      expect(await whole(conn, 'acme')).toHaveLength(1);
      await sql`alter table workspace add column shape_probe text default 'added'`.execute(conn);
      for (let i = 0; i < 2; i++) {
        const [row] = (await whole(conn, 'acme')) as Record<string, unknown>[];
        expect(row).toMatchObject({ id: 'acme', shape_probe: 'added' });
      }
    });
  });

  it('sends every statement unnamed with ?prepared_statements=false on the URL', async () => {
    const url = new URL(TEST_POSTGRES_URL);
    url.searchParams.set('schema', db.schema!);
    url.searchParams.set('prepared_statements', 'false');
    const unprepared = await createDb(url.toString(), { poolSize: 1 });
    try {
      const byName = preparedQuery((k, name: string) => k.selectFrom('workspace').select('id').where('name', '=', name).where('id', 'is not', null), ['']);
      await unprepared.db.connection().execute(async (conn) => {
        for (let i = 0; i < 3; i++) expect(await byName(conn, 'Acme')).toEqual([{ id: 'acme' }]);
        const { rows } = await sql<{ name: string }>`select name from pg_prepared_statements`.execute(conn);
        expect(rows).toEqual([]);
      });
    } finally {
      await unprepared.close();
    }
  });

  it('leaves a query with the same text as a prepared one unnamed: names go by compilation, not by text', async () => {
    const byId = preparedQuery((k, id: string) => k.selectFrom('workspace').select(['id', 'version']).where('id', '=', id), ['']);
    await db.store.db.connection().execute(async (conn) => {
      expect(await byId(conn, 'acme')).toEqual([{ id: 'acme', version: 'v2' }]);
      // Built anew each time, as an ordinary query is.
      expect(await conn.selectFrom('workspace').select(['id', 'version']).where('id', '=', 'acme').execute()).toEqual([{ id: 'acme', version: 'v2' }]);
      // The named statement ran once: the second query was parsed on its own.
      const { rows } = await sql<{ statement: string; runs: number }>`select statement, generic_plans + custom_plans as runs from pg_prepared_statements`.execute(conn);
      expect(rows.filter((r) => r.statement.startsWith('select "id", "version" from "workspace"')).map((r) => Number(r.runs))).toEqual([1]);
    });
  });

  it('writes a bulk insert through COPY, with the rows counted and every value as given', async () => {
    const rows = Array.from({ length: 3 }, (_, i) => ({ id: `k${i}`, email: i === 0 ? 'tab\there@example.com' : `k${i}@example.com`, created_at: '2026-12-05T00:00:00.000Z' }));
    const copy = postgresSupport.copyRows!('account', ['id', 'email', 'created_at'], rows);
    const result = await db.store.db.executeQuery(copy);
    expect(result.numAffectedRows).toBe(3n);
    const stored = await db.store.db.selectFrom('account').select(['id', 'email']).where('id', 'in', ['k0', 'k1', 'k2']).orderBy('id').execute();
    expect(stored).toEqual(rows.map(({ id, email }) => ({ id, email })));
  });

  it('keeps Kysely\'s savepoints: what follows one rolls back alone, what came before commits', async () => {
    const revision = async () => Number((await db.store.db.selectFrom('workspace').select('revision').where('id', '=', 'acme').executeTakeFirstOrThrow()).revision);
    const trx = await db.store.db.startTransaction().execute();
    await trx.updateTable('workspace').set({ revision: 1000 }).where('id', '=', 'acme').execute();
    const saved = await trx.savepoint('before_change').execute();
    await saved.updateTable('workspace').set({ revision: 2000 }).where('id', '=', 'acme').execute();
    await saved.rollbackToSavepoint('before_change').execute();
    await trx.commit().execute();
    expect(await revision()).toBe(1000);
  });

  it('refuses a prepared_statements value that is neither true nor false, naming it', async () => {
    await expect(createDb(`${TEST_POSTGRES_URL}?prepared_statements=off`)).rejects.toThrow(/prepared_statements=off must be true or false/);
  });
});
