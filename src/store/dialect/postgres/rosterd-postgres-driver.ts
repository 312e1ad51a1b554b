import { CompiledQuery, type DatabaseConnection, type Driver, type QueryResult, type TransactionSettings } from 'kysely';
import type pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { isCopyQuery, statementNameOf } from './statement-registry.js';

/** SQLSTATE 0A000: a prepared `select *` whose table changed shape (another instance's migration). */
const CACHED_PLAN_CHANGED = '0A000';

const quoteIdentifier = (name: string): string => `"${name.replace(/"/g, '""')}"`;

/**
 * Kysely's driver for pg's pool, with what rosterd adds: queries compiled by preparedQuery run as named statements
 * (unless `namedStatements` is false, for poolers that cannot keep them), and copyQuery's use the COPY protocol.
 */
export class RosterdPostgresDriver implements Driver {
  private readonly connections = new WeakMap<pg.PoolClient, PostgresConnection>();
  private destroyed = false;

  constructor(
    private readonly pool: pg.Pool,
    private readonly namedStatements: boolean,
  ) {}

  async init(): Promise<void> {}

  async acquireConnection(): Promise<DatabaseConnection> {
    const client = await this.pool.connect();
    if (this.destroyed) {
      client.release();
      throw new Error('the PostgreSQL driver is closed');
    }
    let connection = this.connections.get(client);
    if (!connection) {
      connection = new PostgresConnection(client, this.namedStatements);
      this.connections.set(client, connection);
    }
    return connection;
  }

  async beginTransaction(connection: DatabaseConnection, settings: TransactionSettings): Promise<void> {
    const options = [settings.isolationLevel ? `isolation level ${settings.isolationLevel}` : '', settings.accessMode ?? ''].filter(Boolean).join(' ');
    await connection.executeQuery(CompiledQuery.raw(options ? `start transaction ${options}` : 'begin'));
  }

  async commitTransaction(connection: DatabaseConnection): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw('commit'));
  }

  async rollbackTransaction(connection: DatabaseConnection): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw('rollback'));
  }

  async savepoint(connection: DatabaseConnection, name: string): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw(`savepoint ${quoteIdentifier(name)}`));
  }

  async rollbackToSavepoint(connection: DatabaseConnection, name: string): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw(`rollback to savepoint ${quoteIdentifier(name)}`));
  }

  async releaseSavepoint(connection: DatabaseConnection, name: string): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw(`release savepoint ${quoteIdentifier(name)}`));
  }

  async releaseConnection(connection: DatabaseConnection): Promise<void> {
    (connection as PostgresConnection).client.release();
  }

  async destroy(): Promise<void> {
    if (this.destroyed) return;
    this.destroyed = true;
    await this.pool.end();
  }
}

/** One pooled client, with the names it can no longer run. */
class PostgresConnection implements DatabaseConnection {
  private readonly stale = new Set<string>();

  constructor(
    readonly client: pg.PoolClient,
    private readonly namedStatements: boolean,
  ) {}

  async executeQuery<R>(compiled: CompiledQuery): Promise<QueryResult<R>> {
    if (isCopyQuery(compiled)) return this.copy(compiled.sql, compiled.parameters[0] as string);
    const name = this.namedStatements ? statementNameOf(compiled) : undefined;
    const values = compiled.parameters as unknown[];
    const result = name !== undefined && !this.stale.has(name) ? await this.named<R>(name, compiled.sql, values) : await this.client.query<R & pg.QueryResultRow>(compiled.sql, values);
    return {
      rows: result.rows ?? [],
      numAffectedRows: result.command === 'INSERT' || result.command === 'UPDATE' || result.command === 'DELETE' || result.command === 'MERGE' ? BigInt(result.rowCount ?? 0) : undefined,
    };
  }

  // eslint-disable-next-line require-yield
  async *streamQuery<R>(): AsyncIterableIterator<QueryResult<R>> {
    throw new Error('rosterd reads PostgreSQL in keyset pages, not through a cursor stream');
  }

  private async named<R>(name: string, text: string, values: unknown[]): Promise<pg.QueryResult<R & pg.QueryResultRow>> {
    try {
      return await this.client.query<R & pg.QueryResultRow>({ name, text, values });
    } catch (error) {
      // The server cannot re-prepare it under its name: run it unnamed from now on.
      if ((error as { code?: unknown }).code !== CACHED_PLAN_CHANGED) throw error;
      this.stale.add(name);
      return this.client.query<R & pg.QueryResultRow>(text, values);
    }
  }

  private copy<R>(statement: string, data: string): Promise<QueryResult<R>> {
    return new Promise((resolve, reject) => {
      const stream = this.client.query(copyFrom(statement));
      stream.on('error', reject);
      // 'finish': the COPY is confirmed and the connection free.
      stream.on('finish', () => resolve({ rows: [], numAffectedRows: BigInt(stream.rowCount) }));
      stream.end(data);
    });
  }
}
