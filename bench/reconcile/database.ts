import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { sql } from 'kysely';
import { createWorkspace } from '../../src/admin/create-workspace.js';
import { createDb } from '../../src/store/create-db.js';
import type { Store } from '../../src/store/store.js';
import { migrateToLatest } from '../../src/store/migrate.js';

/**
 * A fresh, migrated database with one empty V2 workspace for the reconcile benchmark: a SQLite file in a temp
 * dir, or a `bench_<random>` schema on PostgreSQL. Prepared (and dropped) by the parent; the reconcile client
 * opens it by `url` + `schema`.
 */
export type Dialect = 'sqlite' | 'postgres';
export const WORKSPACE = 'bench';

export interface BenchDatabase {
  dialect: Dialect;
  url: string;
  schema?: string;
  /** SQLite: the database file (its size is reported). */
  file?: string;
  drop(): Promise<void>;
}

export async function openBenchStore(db: Pick<BenchDatabase, 'url' | 'schema'>): Promise<Store> {
  return createDb(db.url, db.schema ? { schema: db.schema } : {});
}

export async function prepareDatabase(dialect: Dialect, postgresUrl: string): Promise<BenchDatabase> {
  let db: BenchDatabase;
  if (dialect === 'sqlite') {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'rosterd-bench-reconcile-'));
    const file = path.join(dir, 'rosterd.db');
    db = { dialect, url: `sqlite:${file}`, file, drop: async () => rmSync(dir, { recursive: true, force: true }) };
  } else {
    const schema = `bench_${randomBytes(4).toString('hex')}`;
    db = {
      dialect,
      url: postgresUrl,
      schema,
      drop: async () => {
        const admin = await createDb(postgresUrl, { poolSize: 1 });
        try {
          await sql`drop schema if exists ${sql.id(schema)} cascade`.execute(admin.db);
        } finally {
          await admin.close();
        }
      },
    };
  }
  try {
    const store = await openBenchStore(db);
    try {
      await migrateToLatest(store);
      // No deletion budget: the benchmark's deactivations must never wait for an approval.
      await createWorkspace(store.db, { id: WORKSPACE, version: 'v2', now: new Date().toISOString(), policy: { deletionBudget: { count: null, percent: null } } });
    } finally {
      await store.close();
    }
  } catch (error) {
    await db.drop().catch(() => undefined);
    throw error;
  }
  return db;
}
