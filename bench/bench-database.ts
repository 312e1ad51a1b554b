import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { sql } from 'kysely';
import { createDb } from '../src/store/create-db.js';
import type { Store } from '../src/store/store.js';
import { migrateToLatest } from '../src/store/migrate.js';

export type Dialect = 'sqlite' | 'postgres';

/** A migrated database of the benchmark's own, open in this process, with the URL the gateway process opens. */
export interface BenchDatabase {
  url: string;
  store: Store;
  drop(): Promise<void>;
}

/** A SQLite file in a temp dir, or a `bench_<random>` schema on PostgreSQL; when PostgreSQL is unreachable, why. */
export async function benchDatabase(dialect: Dialect, postgresUrl: string): Promise<BenchDatabase | string> {
  if (dialect === 'sqlite') {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'rosterd-bench-'));
    const url = `sqlite:${path.join(dir, 'bench.db')}`;
    const store = await createDb(url);
    await migrateToLatest(store);
    return {
      url,
      store,
      drop: async () => {
        await store.close();
        rmSync(dir, { recursive: true, force: true });
      },
    };
  }
  const schema = `bench_${randomBytes(4).toString('hex')}`;
  const withSchema = new URL(postgresUrl);
  withSchema.searchParams.set('schema', schema);
  let store: Store;
  try {
    store = await createDb(withSchema.toString());
  } catch (error) {
    return `PostgreSQL is unreachable (${(error as Error).message}); skipped`;
  }
  await migrateToLatest(store);
  return {
    url: withSchema.toString(),
    store,
    drop: async () => {
      await sql`drop schema if exists ${sql.id(schema)} cascade`
        .execute(store.db)
        .catch((e: unknown) => process.stderr.write(`could not drop schema ${schema}: ${(e as Error).message}\n`));
      await store.close();
    },
  };
}
