import pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { statementName } from './statement-names.js';

/**
 * The pg client rosterd's PostgreSQL pool hands Kysely, which only ever calls `query(sql, parameters)`:
 * - `COPY … FROM STDIN` with the data as its only parameter (postgres-support.ts `copyRows`) goes through the
 *   COPY protocol (pg-copy-streams), inside Kysely's transaction on its connection;
 * - a text `preparedQuery` compiled (statement-names.ts) runs as a named prepared statement, planned once per
 *   connection instead of on every request;
 * - everything else goes to pg unchanged.
 */
const COPY_FROM_STDIN = /^copy\s[\s\S]*\sfrom\s+stdin$/i;

export interface PgClientConfig extends pg.ClientConfig {
  /**
   * False where the server side cannot keep a connection's prepared statements, as behind a PgBouncer
   * before 1.21 in transaction mode: every statement is then sent unnamed. The pool hands its options here.
   */
  namedStatements?: boolean;
}

export class PgClient extends pg.Client {
  /** Names this connection no longer uses: the table behind them changed shape (see `named`). */
  private readonly stale = new Set<string>();
  private readonly namedStatements: boolean;

  constructor(config: PgClientConfig = {}) {
    super(config);
    this.namedStatements = config.namedStatements ?? true;
  }

  // Overloads as pg declares them; the COPY case returns the same result shape as any other statement.
  override query(...args: unknown[]): never {
    const [text, values, callback] = args;
    if (typeof text === 'string' && Array.isArray(values) && callback === undefined) {
      if (values.length === 1 && typeof values[0] === 'string' && COPY_FROM_STDIN.test(text)) return this.copy(text, values[0]) as never;
      const name = this.namedStatements ? statementName(text) : undefined;
      if (name !== undefined && !this.stale.has(name)) return this.named(name, text, values) as never;
    }
    return (super.query as (...a: unknown[]) => never)(...args);
  }

  private async named(name: string, text: string, values: unknown[]): Promise<pg.QueryResult> {
    const run = super.query.bind(this) as (config: pg.QueryConfig | string, values?: unknown[]) => Promise<pg.QueryResult>;
    try {
      return await run({ name, text, values });
    } catch (error) {
      // A `select *` prepared before a migration (another instance's) added a column: PostgreSQL refuses to run
      // the old plan's shape. The name cannot be prepared again on this connection, so the text runs unnamed from
      // now on. Inside a transaction the error aborted it, and the retry fails too: the request fails whole.
      if ((error as { code?: unknown }).code !== '0A000') throw error;
      this.stale.add(name);
      return run(text, values);
    }
  }

  private copy(statement: string, data: string): Promise<pg.QueryResult> {
    return new Promise((resolve, reject) => {
      const stream = (super.query as (q: unknown) => ReturnType<typeof copyFrom>)(copyFrom(statement));
      stream.on('error', reject);
      // 'finish' comes once the server confirmed the COPY and the connection is ready for the next statement.
      stream.on('finish', () => resolve({ command: 'COPY', rowCount: stream.rowCount, rows: [], fields: [], oid: 0 }));
      stream.end(data);
    });
  }
}
