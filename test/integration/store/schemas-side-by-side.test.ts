import { randomBytes } from 'node:crypto';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDb } from '../../../src/store/create-db.js';
import type { Store } from '../../../src/store/store.js';
import { migrateToLatest } from '../../../src/store/migrate.js';
import { TEST_POSTGRES_URL } from '../../support/test-store.js';

const name = (prefix: string) => `${prefix}_${randomBytes(5).toString('hex')}`;

/**
 * Several rosterd installations (and every test suite) share one PostgreSQL database, each in its own schema. One
 * must be able to migrate while others come and go: Kysely's own introspector read every schema and failed with
 * `schema "<other>" does not exist` when another was dropped meanwhile (a flaky "schema t_… does not exist" in
 * parallel test runs; 8 of 20 migrations failed beside three schemas being created and dropped in a loop).
 */
describe('PostgreSQL schemas side by side', () => {
  let admin: Store;
  beforeAll(async () => {
    admin = await createDb(TEST_POSTGRES_URL, { poolSize: 4 });
  });
  afterAll(() => admin.close());

  it('migrates a new schema while other schemas are created and dropped', async () => {
    let stop = false;
    const churn = async () => {
      while (!stop) {
        const other = name('churn');
        await sql`create schema ${sql.id(other)}`.execute(admin.db);
        await sql`create table ${sql.id(other, 'a')} (id serial primary key, b text)`.execute(admin.db);
        await sql`drop schema ${sql.id(other)} cascade`.execute(admin.db);
      }
    };
    const churners = [churn(), churn(), churn()];
    try {
      for (let i = 0; i < 4; i++) {
        const schema = name('side');
        const store = await createDb(TEST_POSTGRES_URL, { schema, poolSize: 2 });
        try {
          expect((await migrateToLatest(store)).length).toBeGreaterThan(0);
        } finally {
          await store.close();
          await sql`drop schema ${sql.id(schema)} cascade`.execute(admin.db);
        }
      }
    } finally {
      stop = true;
      await Promise.all(churners);
    }
  });

  it("introspects only the store's own schema, Kysely's bookkeeping tables on request", async () => {
    const schema = name('own');
    const store = await createDb(TEST_POSTGRES_URL, { schema, poolSize: 2 });
    try {
      await migrateToLatest(store);
      const tables = await store.db.introspection.getTables();
      expect(new Set(tables.map((t) => t.schema))).toEqual(new Set([schema]));
      expect(tables.map((t) => t.name)).toContain('membership');
      expect(tables.map((t) => t.name)).not.toContain('kysely_migration');
      const membership = tables.find((t) => t.name === 'membership')!;
      expect(membership.isView).toBe(false);
      expect(membership.columns.find((c) => c.name === 'id')).toMatchObject({ dataType: 'text', isNullable: false });
      const withInternal = await store.db.introspection.getTables({ withInternalKyselyTables: true });
      expect(withInternal.map((t) => t.name)).toEqual(expect.arrayContaining(['kysely_migration', 'kysely_migration_lock']));
    } finally {
      await store.close();
      await sql`drop schema ${sql.id(schema)} cascade`.execute(admin.db);
    }
  });
});
