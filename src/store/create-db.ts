import { RosterdError } from '../error/rosterd-error.js';
import { openSqlite } from './dialect/sqlite/open-sqlite.js';
import { redactUrl } from './redact-url.js';
import type { CreateDbOptions, Store } from './store.js';

/**
 * Open `sqlite:<path>` (or `sqlite::memory:`) or a `postgres://` / `postgresql://` URL. PostgreSQL's driver loads only
 * for a PostgreSQL URL, so a command on the default SQLite database starts without it.
 */
export async function createDb(url: string, options: CreateDbOptions = {}): Promise<Store> {
  if (url.startsWith('sqlite:')) return openSqlite(url.slice('sqlite:'.length), options);
  if (url.startsWith('postgres://') || url.startsWith('postgresql://')) {
    const { openPostgres } = await import('./dialect/postgres/open-postgres.js');
    return openPostgres(url, options);
  }
  throw new RosterdError('ROSTERD_E_CONFIG', `database: "${redactUrl(url)}" is neither sqlite:<path> nor a postgres:// URL`);
}
