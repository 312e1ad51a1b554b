import { RosterdError } from '../error/rosterd-error.js';
import { openPostgres } from './dialect/postgres/open-postgres.js';
import { openSqlite } from './dialect/sqlite/open-sqlite.js';
import { redactUrl } from './redact-url.js';
import type { CreateDbOptions, Store } from './store.js';

/** Open `sqlite:<path>` (or `sqlite::memory:`) or a `postgres://` / `postgresql://` URL. */
export async function createDb(url: string, options: CreateDbOptions = {}): Promise<Store> {
  if (url.startsWith('sqlite:')) return openSqlite(url.slice('sqlite:'.length), options);
  if (url.startsWith('postgres://') || url.startsWith('postgresql://')) return openPostgres(url, options);
  throw new RosterdError('ROSTERD_E_CONFIG', `database: "${redactUrl(url)}" is neither sqlite:<path> nor a postgres:// URL`);
}
