import { Kysely } from 'kysely';
import pg from 'pg';
import { RosterdError } from '../../../error/rosterd-error.js';
import { EventBus } from '../../../events/event-bus.js';
import type { Database } from '../../database.js';
import { lastEventSeqs } from '../../event-repository.js';
import { redactUrl } from '../../redact-url.js';
import { DEFAULT_HEAVY_READ_CONNECTIONS, DEFAULT_HEAVY_READ_TIMEOUT_MS, type CreateDbOptions, type Store } from '../../store.js';
import { KeyedGroupCommit } from './keyed-group-commit.js';
import { PgAuthGeneration } from './pg-auth-generation.js';
import { listenForEvents } from './pg-event-listener.js';
import { postgresSupport } from './postgres-support.js';
import { RosterdPostgresDialect } from './rosterd-postgres-dialect.js';

/** `?schema=` and `?prepared_statements=` are rosterd's own. */
export async function openPostgres(rawUrl: string, options: CreateDbOptions): Promise<Store> {
  // Installations or test runs may share a database.
  const parsedUrl = new URL(rawUrl);
  const schema = options.schema ?? parsedUrl.searchParams.get('schema') ?? undefined;
  // False: for poolers that cannot keep named statements.
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
  const namedStatements = preparedStatements !== 'false';
  const poolConfig: pg.PoolConfig = {
    connectionString: url,
    max: options.poolSize ?? 10,
    // int8 (counts, bigserial) as numbers: every count fits.
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
  const db = new Kysely<Database>({ dialect: new RosterdPostgresDialect({ pool, namedStatements }) });
  const heavyPool = quietPool({
    ...poolConfig,
    max: options.heavyReadConnections ?? DEFAULT_HEAVY_READ_CONNECTIONS,
    statement_timeout: options.heavyReadTimeoutMs ?? DEFAULT_HEAVY_READ_TIMEOUT_MS,
  });
  const heavyReads = new Kysely<Database>({ dialect: new RosterdPostgresDialect({ pool: heavyPool, namedStatements }) });
  const events = new EventBus();
  const workspaceCommits = new KeyedGroupCommit(db);
  const auth = new PgAuthGeneration();
  return {
    db,
    writeTransaction: (job, workspaceId) => (workspaceId === undefined ? db.transaction().execute(job) : workspaceCommits.run(workspaceId, job)),
    dialect: postgresSupport,
    heavyReads,
    eventLog: options.eventLog ?? true,
    events,
    changeCounter: auth.read,
    listenForEvents: (onError) => listenForEvents({ config: poolConfig, bus: events, auth, resync: () => lastEventSeqs(db), ...(onError ? { onError } : {}) }),
    description: redactUrl(url) + (schema ? ` (schema ${schema})` : ''),
    ...(schema ? { schema } : {}),
    close: async () => {
      await heavyReads.destroy();
      await db.destroy();
    },
  };
}

/** Lost connections fail their own queries, never the process. */
function quietPool(config: pg.PoolConfig): pg.Pool {
  const pool = new pg.Pool(config);
  pool.on('error', () => {
    // The pool replaces a lost idle client.
  });
  // Else a checked-out client's lost connection kills the process on a database restart; its query fails anyway.
  pool.on('connect', (client) => client.on('error', () => undefined));
  return pool;
}
