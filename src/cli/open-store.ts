import type { Config } from '../config/config-schema.js';
import { loadConfig } from '../config/load-config.js';
import { createDb, type Store } from '../store/create-db.js';
import { migrateToLatest } from '../store/migrate.js';

export interface GlobalOptions {
  config?: string;
  database?: string;
}

/** Config + an open, migrated database: what every command but --help needs. */
export async function openStore(options: GlobalOptions): Promise<{ config: Readonly<Config>; store: Store }> {
  const env = options.database ? { ...process.env, ROSTERD_DATABASE: options.database } : process.env;
  const config = loadConfig({ ...(options.config ? { path: options.config } : {}), env });
  const store = await createDb(config.database, { eventLog: config.events.enabled });
  try {
    await migrateToLatest(store);
  } catch (error) {
    await store.close();
    throw error;
  }
  return { config, store };
}

/** Run with a store and always close it, so the CLI exits promptly. */
export async function withStore<T>(options: GlobalOptions, run: (ctx: { config: Readonly<Config>; store: Store }) => Promise<T>): Promise<T> {
  const ctx = await openStore(options);
  try {
    return await run(ctx);
  } finally {
    await ctx.store.close();
  }
}
