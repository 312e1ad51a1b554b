import { Kysely, PostgresAdapter } from 'kysely';

// The same schema on SQLite and PostgreSQL: timestamps are ISO-8601 UTC text (they sort as text),
// booleans are 0/1 integers (better-sqlite3 cannot bind JS booleans), JSON is text.
// Only the auto-increment id of the provisioning log differs in spelling between the two.

export async function up(db: Kysely<any>): Promise<void> {
  const postgres = db.getExecutor().adapter instanceof PostgresAdapter;

  await db.schema
    .createTable('workspace')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('version', 'text', (c) => c.notNull())
    .addColumn('extension_urn', 'text', (c) => c.notNull())
    .addColumn('policy', 'text', (c) => c.notNull())
    .addColumn('revision', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('account')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('email', 'text', (c) => c.notNull().unique())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('membership')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('workspace_id', 'text', (c) => c.notNull().references('workspace.id').onDelete('cascade'))
    .addColumn('account_id', 'text', (c) => c.notNull().references('account.id'))
    .addColumn('external_id', 'text')
    .addColumn('user_name', 'text', (c) => c.notNull())
    .addColumn('user_name_lower', 'text', (c) => c.notNull())
    .addColumn('display_name', 'text')
    .addColumn('given_name', 'text')
    .addColumn('family_name', 'text')
    .addColumn('formatted_name', 'text')
    .addColumn('middle_name', 'text')
    .addColumn('honorific_prefix', 'text')
    .addColumn('honorific_suffix', 'text')
    .addColumn('nick_name', 'text')
    .addColumn('profile_url', 'text')
    .addColumn('user_type', 'text')
    .addColumn('title', 'text')
    .addColumn('locale', 'text')
    .addColumn('preferred_language', 'text')
    .addColumn('timezone', 'text')
    .addColumn('emails', 'text')
    .addColumn('phone_numbers', 'text')
    .addColumn('addresses', 'text')
    .addColumn('roles', 'text')
    .addColumn('employee_number', 'text')
    .addColumn('department', 'text')
    .addColumn('cost_center', 'text')
    .addColumn('organization', 'text')
    .addColumn('division', 'text')
    .addColumn('manager_id', 'text')
    .addColumn('manager_ref', 'text')
    .addColumn('manager_display_name', 'text')
    .addColumn('active', 'integer', (c) => c.notNull().defaultTo(1))
    .addColumn('role', 'text')
    .addColumn('credit_limit', 'integer')
    .addColumn('seat_type', 'text')
    .addColumn('owner', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('last_source', 'text', (c) => c.notNull())
    .addColumn('version', 'integer', (c) => c.notNull().defaultTo(1))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();
  // Uniqueness per workspace; NULL externalIds do not collide on either database.
  await db.schema.createIndex('membership_user_name_uq').on('membership').columns(['workspace_id', 'user_name_lower']).unique().execute();
  await db.schema.createIndex('membership_external_id_uq').on('membership').columns(['workspace_id', 'external_id']).unique().execute();
  // Stable list order (created_at, id) and seat counting.
  await db.schema.createIndex('membership_list_idx').on('membership').columns(['workspace_id', 'created_at', 'id']).execute();
  await db.schema.createIndex('membership_seat_idx').on('membership').columns(['workspace_id', 'seat_type', 'active']).execute();
  await db.schema.createIndex('membership_account_idx').on('membership').column('account_id').execute();

  await db.schema
    .createTable('scim_group')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('workspace_id', 'text', (c) => c.notNull().references('workspace.id').onDelete('cascade'))
    .addColumn('external_id', 'text')
    .addColumn('display_name', 'text', (c) => c.notNull())
    .addColumn('display_name_lower', 'text', (c) => c.notNull())
    .addColumn('app_name', 'text', (c) => c.notNull())
    .addColumn('last_source', 'text', (c) => c.notNull())
    .addColumn('version', 'integer', (c) => c.notNull().defaultTo(1))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('scim_group_display_name_uq').on('scim_group').columns(['workspace_id', 'display_name_lower']).unique().execute();
  await db.schema.createIndex('scim_group_external_id_uq').on('scim_group').columns(['workspace_id', 'external_id']).unique().execute();
  await db.schema.createIndex('scim_group_list_idx').on('scim_group').columns(['workspace_id', 'created_at', 'id']).execute();

  await db.schema
    .createTable('group_member')
    .addColumn('group_id', 'text', (c) => c.notNull().references('scim_group.id').onDelete('cascade'))
    .addColumn('membership_id', 'text', (c) => c.notNull().references('membership.id').onDelete('cascade'))
    .addColumn('workspace_id', 'text', (c) => c.notNull())
    .addColumn('project_role', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('group_member_pk', ['group_id', 'membership_id'])
    .execute();
  await db.schema.createIndex('group_member_membership_idx').on('group_member').column('membership_id').execute();

  await db.schema
    .createTable('api_key')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('workspace_id', 'text', (c) => c.notNull().references('workspace.id').onDelete('cascade'))
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('description', 'text')
    .addColumn('hash', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('last_used_at', 'text')
    .addColumn('revoked_at', 'text')
    .execute();
  await db.schema.createIndex('api_key_workspace_idx').on('api_key').columns(['workspace_id', 'name']).execute();

  await db.schema
    .createTable('provisioning_log')
    .addColumn('id', postgres ? 'bigserial' : 'integer', (c) => (postgres ? c.primaryKey() : c.primaryKey().autoIncrement()))
    .addColumn('workspace_id', 'text', (c) => c.notNull())
    .addColumn('actor', 'text', (c) => c.notNull())
    .addColumn('operation', 'text', (c) => c.notNull())
    .addColumn('target_kind', 'text', (c) => c.notNull())
    .addColumn('target_id', 'text')
    .addColumn('target_key', 'text')
    .addColumn('before', 'text')
    .addColumn('after', 'text')
    .addColumn('result', 'text', (c) => c.notNull())
    .addColumn('error_status', 'integer')
    .addColumn('error_detail', 'text')
    .addColumn('request_id', 'text')
    .addColumn('at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('provisioning_log_workspace_idx').on('provisioning_log').columns(['workspace_id', 'at']).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const table of ['provisioning_log', 'api_key', 'group_member', 'scim_group', 'membership', 'account', 'workspace']) {
    await db.schema.dropTable(table).ifExists().execute();
  }
}
