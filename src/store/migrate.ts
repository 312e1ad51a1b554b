import { readdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Migrator, type Kysely, type Migration, type MigrationProvider } from 'kysely';
import { RosterdError } from '../error/rosterd-error.js';
import type { Store } from './store.js';
import type { Database } from './database.js';

const here = path.dirname(fileURLToPath(import.meta.url));
/** The migrations folder beside src/: ../../migrations from src/store, the same from dist/src/store. */
const migrationFolder = path.resolve(here, '../../migrations');

/**
 * Kysely's FileMigrationProvider imports from inside node_modules, which a TypeScript test runner does not
 * transform; importing from here works both for the sources (tests) and for the compiled dist/.
 */
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
 * Run every pending migration; start-up calls this so a fresh database needs no manual step. Where Kysely's
 * migrator takes no lock (SQLite) they run in one write transaction, under the write lock: two processes opening a
 * new database at once (two CLI commands, a cluster's workers) would otherwise both create its tables.
 */
export async function migrateToLatest(store: Pick<Store, 'db' | 'schema'> & Partial<Pick<Store, 'writeTransaction' | 'dialect'>>): Promise<string[]> {
  const run = async (db: Kysely<Database>) => {
    // Kysely looks for its bookkeeping tables in every schema; pin them to ours so two schemas never share them.
    const migrator = new Migrator({ db, provider: folderProvider, ...(store.schema ? { migrationTableSchema: store.schema } : {}) });
    const { error, results } = await migrator.migrateToLatest();
    if (error) {
      const failed = results?.find((r) => r.status === 'Error')?.migrationName ?? 'before any migration ran';
      throw new RosterdError('ROSTERD_E_DATABASE', `migration ${failed} failed: ${(error as Error).message ?? String(error)}`);
    }
    return (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName);
  };
  if (store.dialect?.migratorLocks === false && store.writeTransaction) return store.writeTransaction(run);
  return run(store.db);
}
