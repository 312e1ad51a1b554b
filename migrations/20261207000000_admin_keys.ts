import type { Kysely } from 'kysely';

// The web console (/console): admin keys, which open it (and nothing else), and the sessions a sign-in with one
// starts. A session is a row, so revoking its key or signing out ends it on every instance at the next request.

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('admin_key')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('description', 'text')
    // Hex SHA-256 of the secret part; the key itself is never stored.
    .addColumn('hash', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('last_used_at', 'text')
    .addColumn('revoked_at', 'text')
    .execute();
  await db.schema.createIndex('admin_key_name_idx').on('admin_key').column('name').execute();

  await db.schema
    .createTable('admin_session')
    // Hex SHA-256 of the session token the cookie carries; the token itself is never stored.
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('admin_key_id', 'text', (c) => c.notNull().references('admin_key.id').onDelete('cascade'))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('expires_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('admin_session_key_idx').on('admin_session').column('admin_key_id').execute();
  await db.schema.createIndex('admin_session_expiry_idx').on('admin_session').column('expires_at').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('admin_session').ifExists().execute();
  await db.schema.dropTable('admin_key').ifExists().execute();
}
