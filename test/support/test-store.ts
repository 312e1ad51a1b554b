import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createDb } from '../../src/store/create-db.js';
import type { CreateDbOptions, Store } from '../../src/store/store.js';
import { migrateToLatest } from '../../src/store/migrate.js';

export type TestDialect = 'sqlite' | 'postgres';
export const DIALECTS: TestDialect[] = ['sqlite', 'postgres'];

/** The PostgreSQL server the suites share; each suite gets its own schema. */
export const TEST_POSTGRES_URL = process.env.ROSTERD_TEST_POSTGRES ?? 'postgres://postgres@127.0.0.1:5432/test';

export interface TestStore {
  store: Store;
  /** The URL a child process (the built CLI) can open: sqlite:<file> or the postgres URL with its schema. */
  url: string;
  schema?: string;
  cleanup(): Promise<void>;
}

/** A real, migrated database of its own: a SQLite file in a temp dir, or a fresh PostgreSQL schema. */
export async function openTestStore(dialect: TestDialect, options: Pick<CreateDbOptions, 'heavyReadTimeoutMs' | 'heavyReadConnections'> = {}): Promise<TestStore> {
  if (dialect === 'sqlite') {
    const dir = mkdtempSync(path.join(tmpdir(), 'rosterd-test-'));
    const url = `sqlite:${path.join(dir, 'rosterd.db')}`;
    const store = await createDb(url, options);
    await migrateToLatest(store);
    return {
      store,
      url,
      cleanup: async () => {
        await store.close();
        rmSync(dir, { recursive: true, force: true });
      },
    };
  }
  const schema = `t_${randomBytes(6).toString('hex')}`;
  const store = await createDb(TEST_POSTGRES_URL, { ...options, schema, poolSize: 4 });
  await migrateToLatest(store);
  return {
    store,
    url: TEST_POSTGRES_URL,
    schema,
    cleanup: async () => {
      await store.close();
      const admin = await createDb(TEST_POSTGRES_URL, { poolSize: 1 });
      const { sql } = await import('kysely');
      await sql`drop schema if exists ${sql.raw(schema)} cascade`.execute(admin.db);
      await admin.close();
    },
  };
}
