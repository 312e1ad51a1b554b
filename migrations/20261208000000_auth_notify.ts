import { Kysely, PostgresAdapter, sql } from 'kysely';

// PostgreSQL: the auth generation's trigger also announces the change on the schema's auth channel, so every
// instance listening there clears its cached key lookups when the transaction commits.

export async function up(db: Kysely<any>): Promise<void> {
  if (!(db.getExecutor().adapter instanceof PostgresAdapter)) return;
  await sql`create or replace function rosterd_bump_auth_generation() returns trigger language plpgsql as $$
    begin
      update auth_generation set generation = generation + 1 where id = 1;
      perform pg_notify('rosterd_auth.' || current_schema(), '');
      return null;
    end $$`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  if (!(db.getExecutor().adapter instanceof PostgresAdapter)) return;
  await sql`create or replace function rosterd_bump_auth_generation() returns trigger language plpgsql as $$
    begin update auth_generation set generation = generation + 1 where id = 1; return null; end $$`.execute(db);
}
