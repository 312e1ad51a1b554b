import { Kysely, PostgresAdapter, sql } from 'kysely';

// A counter that moves whenever anything an API-key check depends on changes: a key is created, revoked,
// re-hashed or deleted, or a workspace is created, deleted or has its settings changed. Triggers keep it, so
// every writer (this process, another HTTP worker, `rosterd key revoke` in a shell) moves it without knowing
// about it. The SQLite gateway caches key lookups and checks this one-row table on every request, instead of
// every commit invalidating the cache (membership writes, last-used times and revisions leave it alone).

const KEY_COLUMNS = ['id', 'workspace_id', 'hash', 'revoked_at'];
const WORKSPACE_COLUMNS = ['id', 'name', 'version', 'extension_urn', 'policy'];

export async function up(db: Kysely<any>): Promise<void> {
  const postgres = db.getExecutor().adapter instanceof PostgresAdapter;
  await db.schema
    .createTable('auth_generation')
    .addColumn('id', 'integer', (c) => c.primaryKey())
    .addColumn('generation', 'integer', (c) => c.notNull())
    .execute();
  await db.insertInto('auth_generation').values({ id: 1, generation: 0 }).execute();

  if (postgres) {
    await sql`create function rosterd_bump_auth_generation() returns trigger language plpgsql as $$
      begin update auth_generation set generation = generation + 1 where id = 1; return null; end $$`.execute(db);
    await sql.raw(`create trigger api_key_auth_generation after insert or delete or update of ${KEY_COLUMNS.join(', ')} on api_key
      for each statement execute function rosterd_bump_auth_generation()`).execute(db);
    await sql.raw(`create trigger workspace_auth_generation after insert or delete or update of ${WORKSPACE_COLUMNS.join(', ')} on workspace
      for each statement execute function rosterd_bump_auth_generation()`).execute(db);
    return;
  }
  const bump = 'update auth_generation set generation = generation + 1 where id = 1;';
  for (const [table, columns] of [['api_key', KEY_COLUMNS], ['workspace', WORKSPACE_COLUMNS]] as const) {
    for (const event of ['insert', 'delete', `update of ${columns.join(', ')}`]) {
      const name = `${table}_auth_generation_${event.split(' ')[0]}`;
      await sql.raw(`create trigger ${name} after ${event} on ${table} begin ${bump} end`).execute(db);
    }
  }
}

export async function down(db: Kysely<any>): Promise<void> {
  const postgres = db.getExecutor().adapter instanceof PostgresAdapter;
  if (postgres) {
    await sql`drop trigger if exists api_key_auth_generation on api_key`.execute(db);
    await sql`drop trigger if exists workspace_auth_generation on workspace`.execute(db);
    await sql`drop function if exists rosterd_bump_auth_generation()`.execute(db);
  } else {
    for (const table of ['api_key', 'workspace']) {
      for (const event of ['insert', 'delete', 'update']) await sql.raw(`drop trigger if exists ${table}_auth_generation_${event}`).execute(db);
    }
  }
  await db.schema.dropTable('auth_generation').ifExists().execute();
}
