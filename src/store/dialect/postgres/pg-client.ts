import pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { statementName } from './statement-names.js';

// Kysely only calls query(sql, parameters): a `COPY … FROM STDIN` whose sole parameter is the data uses the COPY
// protocol; preparedQuery's texts run as named statements.

const COPY_FROM_STDIN = /^copy\s[\s\S]*\sfrom\s+stdin$/i;

export interface PgClientConfig extends pg.ClientConfig {
  /** False where prepared statements do not survive (PgBouncer < 1.21, transaction mode). */
  namedStatements?: boolean;
}

export class PgClient extends pg.Client {
  /** Names no longer used here (see `named`). */
  private readonly stale = new Set<string>();
  private readonly namedStatements: boolean;

  constructor(config: PgClientConfig = {}) {
    super(config);
    this.namedStatements = config.namedStatements ?? true;
  }

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
      // A `select *` prepared before another instance's migration added a column fails and cannot be re-prepared: run
      // it unnamed from now on.
      if ((error as { code?: unknown }).code !== '0A000') throw error;
      this.stale.add(name);
      return run(text, values);
    }
  }

  private copy(statement: string, data: string): Promise<pg.QueryResult> {
    return new Promise((resolve, reject) => {
      const stream = (super.query as (q: unknown) => ReturnType<typeof copyFrom>)(copyFrom(statement));
      stream.on('error', reject);
      // 'finish': the COPY is confirmed and the connection free.
      stream.on('finish', () => resolve({ command: 'COPY', rowCount: stream.rowCount, rows: [], fields: [], oid: 0 }));
      stream.end(data);
    });
  }
}
