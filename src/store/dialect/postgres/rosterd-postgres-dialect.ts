import { PostgresDialect, type DatabaseIntrospector, type Driver, type Kysely } from 'kysely';
import type pg from 'pg';
import { CurrentSchemaIntrospector } from './current-schema-introspector.js';
import { RosterdPostgresDriver } from './rosterd-postgres-driver.js';

export interface RosterdPostgresDialectConfig {
  pool: pg.Pool;
  /** False where prepared statements do not survive (PgBouncer before 1.21 in transaction mode). */
  namedStatements: boolean;
}

/** Kysely's PostgreSQL dialect with rosterd's driver and an introspector of the current schema only. */
export class RosterdPostgresDialect extends PostgresDialect {
  constructor(private readonly config: RosterdPostgresDialectConfig) {
    super({ pool: config.pool });
  }

  override createDriver(): Driver {
    return new RosterdPostgresDriver(this.config.pool, this.config.namedStatements);
  }

  override createIntrospector(db: Kysely<unknown>): DatabaseIntrospector {
    return new CurrentSchemaIntrospector(db);
  }
}
