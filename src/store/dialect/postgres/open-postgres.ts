import { Kysely } from 'kysely';
import pg from 'pg';
import { RosterdError } from '../../../error/rosterd-error.js';
import { EventBus } from '../../../events/event-bus.js';
import type { Database } from '../../database.js';
import { lastEventSeqs } from '../../event-repository.js';
import { redactUrl } from '../../redact-url.js';
import { DEFAULT_HEAVY_READ_CONNECTIONS, DEFAULT_HEAVY_READ_TIMEOUT_MS, type CreateDbOptions, type Store } from '../../store.js';
import { CurrentSchemaPostgresDialect } from './current-schema-postgres-dialect.js';
import { listenForEvents } from './pg-event-listener.js';
import { PgClient, type PgClientConfig } from './pg-client.js';
import { postgresSupport } from './postgres-support.js';

/** Open a `postgres://` URL as a store; `?schema=` and `?prepared_statements=` on the URL are rosterd's own. */
export async function openPostgres(rawUrl: string, options: CreateDbOptions): Promise<Store> {
  // `?schema=name` selects a schema (several rosterd installations, or test runs, on one database).
  const parsedUrl = new URL(rawUrl);
  const schema = options.schema ?? parsedUrl.searchParams.get('schema') ?? undefined;
  // `?prepared_statements=false`: no named prepared statements (pg-client.ts), for a pooler that cannot keep them.
  const preparedStatements = parsedUrl.searchParams.get('prepared_statements');
  if (preparedStatements !== null && preparedStatements !== 'true' && preparedStatements !== 'false') {
    throw new RosterdError('ROSTERD_E_CONFIG', `database: prepared_statements=${preparedStatements} must be true or false`);
  }
  parsedUrl.searchParams.delete('schema');
  parsedUrl.searchParams.delete('prepared_statements');
  const url = parsedUrl.toString();
  if (schema !== undefined && !/^[a-z_][a-z0-9_]*$/.test(schema)) {
    throw new RosterdError('ROSTERD_E_CONFIG', `database schema "${schema}" must be lower-case letters, digits and _`);
  }
  const poolConfig: pg.PoolConfig & PgClientConfig = {
    // pg's client with COPY … FROM STDIN and named prepared statements (pg-client.ts); the pool passes it this config.
    Client: PgClient,
    namedStatements: preparedStatements !== 'false',
    connectionString: url,
    max: options.poolSize ?? 10,
    // COUNT(*) and bigserial come back as int8; every count we read fits in a JS number.
    types: { getTypeParser: ((oid: number, format?: string) => (oid === 20 ? (v: string) => Number(v) : pg.types.getTypeParser(oid, format as 'text'))) as typeof pg.types.getTypeParser },
    ...(schema ? { options: `-c search_path=${schema}` } : {}),
  };
  const pool = quietPool(poolConfig);
  try {
    const client = await pool.connect();
    try {
      if (schema) await client.query(`create schema if not exists ${schema}`);
    } finally {
      client.release();
    }
  } catch (error) {
    await pool.end().catch(() => undefined);
    throw new RosterdError('ROSTERD_E_DATABASE', `cannot connect to PostgreSQL at ${redactUrl(url)}: ${(error as Error).message}`);
  }
  const db = new Kysely<Database>({ dialect: new CurrentSchemaPostgresDialect({ pool }) });
  const heavyPool = quietPool({
    ...poolConfig,
    max: options.heavyReadConnections ?? DEFAULT_HEAVY_READ_CONNECTIONS,
    statement_timeout: options.heavyReadTimeoutMs ?? DEFAULT_HEAVY_READ_TIMEOUT_MS,
  });
  const heavyReads = new Kysely<Database>({ dialect: new CurrentSchemaPostgresDialect({ pool: heavyPool }) });
  const events = new EventBus();
  return {
    db,
    writeTransaction: (job) => db.transaction().execute(job),
    dialect: postgresSupport,
    heavyReads,
    eventLog: options.eventLog ?? true,
    events,
    listenForEvents: (onError) => listenForEvents({ config: poolConfig, bus: events, resync: () => lastEventSeqs(db), ...(onError ? { onError } : {}) }),
    description: redactUrl(url) + (schema ? ` (schema ${schema})` : ''),
    ...(schema ? { schema } : {}),
    close: async () => {
      await heavyReads.destroy();
      await db.destroy();
    },
  };
}

/** A pool whose lost connections fail their own queries and never the process. */
function quietPool(config: pg.PoolConfig): pg.Pool {
  const pool = new pg.Pool(config);
  pool.on('error', () => {
    // An idle client lost its connection; the pool replaces it. Queries report their own errors.
  });
  // A client that loses its connection while checked out (a query in flight) emits 'error' with no pool listener
  // attached: uncaught, that would end the process on a database restart. The query fails with the same error,
  // and the pool discards the broken client on release.
  pool.on('connect', (client) => client.on('error', () => undefined));
  return pool;
}
