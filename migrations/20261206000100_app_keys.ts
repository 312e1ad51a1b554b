import type { Kysely } from 'kysely';

// The app API: keys of the vendor's own backend (not an IdP's), each for one workspace or for all of them, and the
// indexes its listings page by: each listing walks one workspace's rows in id order, from the id after the cursor.

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('app_key')
    .addColumn('id', 'text', (c) => c.primaryKey())
    // Null: the key reaches every workspace.
    .addColumn('workspace_id', 'text', (c) => c.references('workspace.id').onDelete('cascade'))
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('description', 'text')
    // Hex SHA-256 of the secret part; the key itself is never stored.
    .addColumn('hash', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('last_used_at', 'text')
    .addColumn('revoked_at', 'text')
    .execute();
  await db.schema.createIndex('app_key_workspace_idx').on('app_key').columns(['workspace_id', 'name']).execute();

  // Keyset pages of members and groups: (workspace, id > cursor) in id order. A group's members page by the
  // group_member primary key (group_id, membership_id).
  await db.schema.createIndex('membership_app_page_idx').on('membership').columns(['workspace_id', 'id']).execute();
  await db.schema.createIndex('scim_group_app_page_idx').on('scim_group').columns(['workspace_id', 'id']).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex('scim_group_app_page_idx').ifExists().execute();
  await db.schema.dropIndex('membership_app_page_idx').ifExists().execute();
  await db.schema.dropTable('app_key').ifExists().execute();
}
