import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { DEFAULT_DATABASE, type Config } from '../config/config-schema.js';
import { loadConfig } from '../config/load-config.js';
import { RosterdError } from '../error/rosterd-error.js';
import { createDb } from '../store/create-db.js';
import type { Store } from '../store/store.js';
import { migrateToLatest } from '../store/migrate.js';

export interface GlobalOptions {
  config?: string;
  database?: string;
}

export interface OpenOptions {
  /**
   * May this command start a new database at the default path? Only commands that create something the gateway
   * then serves (`workspace create`); the others, run from a directory without `./data`, would otherwise show an
   * empty new database instead of the gateway's.
   */
  createDatabase?: boolean;
}

const DEFAULT_FILE = DEFAULT_DATABASE.slice('sqlite:'.length);

/** Config + an open, migrated database: what every command but --help needs. */
export async function openStore(options: GlobalOptions, open: OpenOptions = {}): Promise<{ config: Readonly<Config>; store: Store }> {
  const env = options.database ? { ...process.env, ROSTERD_DATABASE: options.database } : process.env;
  const config = loadConfig({ ...(options.config ? { path: options.config } : {}), env });
  const isDefault = config.database === DEFAULT_DATABASE;
  if (isDefault && !open.createDatabase && !existsSync(DEFAULT_FILE)) {
    throw new RosterdError('ROSTERD_E_DATABASE', `no database at ${resolve(DEFAULT_FILE)}: rosterd keeps it in ./data of the directory where it starts; run this there, or give --database or --config`);
  }
  const store = await createDb(config.database, { eventLog: config.events.enabled, createDirectory: isDefault });
  try {
    await migrateToLatest(store);
  } catch (error) {
    await store.close();
    throw error;
  }
  return { config, store };
}

/** Run with a store and always close it, so the CLI exits promptly. */
export async function withStore<T>(options: GlobalOptions, run: (ctx: { config: Readonly<Config>; store: Store }) => Promise<T>, open: OpenOptions = {}): Promise<T> {
  const ctx = await openStore(options, open);
  try {
    return await run(ctx);
  } finally {
    await ctx.store.close();
  }
}
