import { SqliteAdapter, SqliteIntrospector, SqliteQueryCompiler, type DatabaseConnection, type Dialect, type Driver, type Kysely } from 'kysely';

export interface OneConnectionOptions {
  /** Why `db.transaction()` is refused on this dialect. */
  noTransactions: string;
  destroy: () => Promise<void>;
}

/** Hands out one connection that holds nothing between statements, so it is never pooled or released. */
class OneConnectionDriver implements Driver {
  constructor(
    private readonly connection: DatabaseConnection,
    private readonly options: OneConnectionOptions,
  ) {}

  async init(): Promise<void> {}

  async acquireConnection(): Promise<DatabaseConnection> {
    return this.connection;
  }

  async beginTransaction(): Promise<void> {
    throw new Error(this.options.noTransactions);
  }

  async commitTransaction(): Promise<void> {}

  async rollbackTransaction(): Promise<void> {}

  async releaseConnection(): Promise<void> {}

  async destroy(): Promise<void> {
    await this.options.destroy();
  }
}

/** SQLite's SQL over a connection of rosterd's own: the base of the store's SQLite dialects. */
export class OneConnectionSqliteDialect implements Dialect {
  constructor(
    private readonly connection: DatabaseConnection,
    private readonly options: OneConnectionOptions,
  ) {}

  createDriver(): Driver {
    return new OneConnectionDriver(this.connection, this.options);
  }

  createQueryCompiler() {
    return new SqliteQueryCompiler();
  }

  createAdapter() {
    return new SqliteAdapter();
  }

  createIntrospector(db: Kysely<unknown>) {
    return new SqliteIntrospector(db);
  }
}
