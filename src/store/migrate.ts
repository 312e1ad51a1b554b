import { readdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { DEFAULT_MIGRATION_TABLE, Migrator, sql, type Kysely, type Migration, type MigrationProvider } from 'kysely';
import { RosterdError } from '../error/rosterd-error.js';
import type { Store } from './store.js';
import type { Database } from './database.js';

const here = path.dirname(fileURLToPath(import.meta.url));
/** Same relative path from src/ and dist/src/. */
const migrationFolder = path.resolve(here, '../../migrations');

/** Kysely's provider imports from node_modules, which TypeScript test runners do not transform. */
const folderProvider: MigrationProvider = {
  async getMigrations() {
    const migrations: Record<string, Migration> = {};
    const files = readdirSync(migrationFolder)
      .filter((f) => /\.(js|ts)$/.test(f) && !f.endsWith('.d.ts'))
      .sort();
    for (const file of files) {
      migrations[file.replace(/\.(js|ts)$/, '')] = (await import(pathToFileURL(path.join(migrationFolder, file)).href)) as Migration;
    }
    return migrations;
  },
};

/**
 * Whether the migrator has anything to do, read without a write lock: a CLI command opening a current database beside a
 * busy gateway then never queues behind its writes. Applied migrations the folder lacks (a newer rosterd's) count too,
 * so the migrator refuses that database as it would otherwise.
 */
async function sqliteMigrationsPending(db: Kysely<Database>): Promise<boolean> {
  const names = Object.keys(await folderProvider.getMigrations());
  const table = await sql<{ name: string }>`select name from sqlite_master where type = 'table' and name = ${DEFAULT_MIGRATION_TABLE}`.execute(db);
  if (table.rows.length === 0) return names.length > 0;
  const applied = await sql<{ name: string }>`select name from ${sql.table(DEFAULT_MIGRATION_TABLE)}`.execute(db);
  const done = new Set(applied.rows.map((r) => r.name));
  return done.size !== names.length || names.some((name) => !done.has(name));
}

/**
 * Without a migrator lock (SQLite), in a write transaction taken only when a migration is pending: concurrent openers
 * never both create the tables.
 */
export async function migrateToLatest(store: Pick<Store, 'db' | 'schema'> & Partial<Pick<Store, 'writeTransaction' | 'dialect'>>): Promise<string[]> {
  const run = async (db: Kysely<Database>) => {
    // Our schema's own bookkeeping tables.
    const migrator = new Migrator({ db, provider: folderProvider, ...(store.schema ? { migrationTableSchema: store.schema } : {}) });
    const { error, results } = await migrator.migrateToLatest();
    if (error) {
      const failed = results?.find((r) => r.status === 'Error')?.migrationName ?? 'before any migration ran';
      throw new RosterdError('ROSTERD_E_DATABASE', `migration ${failed} failed: ${(error as Error).message ?? String(error)}`);
    }
    return (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName);
  };
  if (store.dialect?.migratorLocks === false && store.writeTransaction) {
    if (!(await sqliteMigrationsPending(store.db))) return [];
    return store.writeTransaction(run);
  }
  return run(store.db);
}
