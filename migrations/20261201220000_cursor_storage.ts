import { Kysely, PostgresAdapter, sql } from 'kysely';

// Connector cursors are stored without compression on PostgreSQL. An Entra cursor is mostly random ids (3.9 MB
// for 100,000 assigned users) that pglz cannot shrink, yet it tried on every write: an upsert of such a cursor
// took about 205 ms with the default storage and 85 ms without compression, and every incremental cycle writes
// one. SQLite does not compress, so it has nothing to change. Values already stored keep their form until
// rewritten.

const CURSOR_COLUMNS = [
  ['connector_state', 'cursor'],
  ['plan', 'cursor'],
] as const;

export async function up(db: Kysely<any>): Promise<void> {
  if (!(db.getExecutor().adapter instanceof PostgresAdapter)) return;
  for (const [table, column] of CURSOR_COLUMNS) await sql`alter table ${sql.table(table)} alter column ${sql.ref(column)} set storage external`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  if (!(db.getExecutor().adapter instanceof PostgresAdapter)) return;
  for (const [table, column] of CURSOR_COLUMNS) await sql`alter table ${sql.table(table)} alter column ${sql.ref(column)} set storage extended`.execute(db);
}
