import { Kysely, PostgresAdapter, sql } from 'kysely';

// Pull cycles, plans and the daemon's leases. Same conventions as the initial migration: ISO-8601 text
// timestamps, 0/1 booleans, JSON as text; lease expiry is epoch milliseconds so "expired" is one comparison.

export async function up(db: Kysely<any>): Promise<void> {
  const postgres = db.getExecutor().adapter instanceof PostgresAdapter;
  const bigint = postgres ? 'bigint' : 'integer';

  // Which connector binding manages a member or group (null: pushed or created by hand), and which source
  // last wrote each field ({"role": "connector:entra", "title": "key:…"}), so push and pull converge on one row.
  await db.schema.alterTable('membership').addColumn('managed_by', 'text').execute();
  await db.schema.alterTable('membership').addColumn('field_sources', 'text').execute();
  await db.schema.createIndex('membership_managed_idx').on('membership').columns(['workspace_id', 'managed_by', 'id']).execute();
  await db.schema.alterTable('scim_group').addColumn('managed_by', 'text').execute();

  // A computed plan: kept for dry runs (rosterd plan show), pending approval when over the deletion budget,
  // and as the record of what a run applied. Its changes live one per row so a 1,000,000-member plan streams.
  await db.schema
    .createTable('plan')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('workspace_id', 'text', (c) => c.notNull().references('workspace.id').onDelete('cascade'))
    .addColumn('source', 'text', (c) => c.notNull())
    .addColumn('binding', 'text')
    .addColumn('basis', 'integer', (c) => c.notNull())
    // planned | pending | approved | applied | refused | stale
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('summary', 'text', (c) => c.notNull())
    .addColumn('warnings', 'text', (c) => c.notNull())
    .addColumn('change_count', 'integer', (c) => c.notNull())
    .addColumn('deletions', 'integer', (c) => c.notNull())
    .addColumn('complete', 'integer', (c) => c.notNull())
    // The connector cursor to keep once this plan is applied (the next cycle reads only what changed after it).
    .addColumn('cursor', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('decided_at', 'text')
    .addColumn('decided_by', 'text')
    .execute();
  await db.schema.createIndex('plan_workspace_idx').on('plan').columns(['workspace_id', 'created_at']).execute();

  await db.schema
    .createTable('plan_change')
    .addColumn('plan_id', 'text', (c) => c.notNull().references('plan.id').onDelete('cascade'))
    .addColumn('seq', 'integer', (c) => c.notNull())
    // The plan's stable order (kind, action, key) as one string; compared bytewise on both databases
    // (PostgreSQL's default collation would sort by locale), so a streamed plan reads back in one order.
    .addColumn('sort_key', postgres ? sql`text collate "C"` : 'text', (c) => c.notNull())
    .addColumn('change', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('plan_change_pk', ['plan_id', 'seq'])
    .execute();
  await db.schema.createIndex('plan_change_order_idx').on('plan_change').columns(['plan_id', 'sort_key', 'seq']).execute();

  // One row per pull cycle (or reconcile command): what it read, what it planned and did, how it ended.
  await db.schema
    .createTable('sync_run')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('workspace_id', 'text', (c) => c.notNull().references('workspace.id').onDelete('cascade'))
    .addColumn('binding', 'text', (c) => c.notNull())
    // full | incremental | user
    .addColumn('mode', 'text', (c) => c.notNull())
    // cli | schedule | approve | apply
    .addColumn('trigger', 'text', (c) => c.notNull())
    .addColumn('dry_run', 'integer', (c) => c.notNull())
    // running | no_changes | planned | applied | refused | failed | stale
    .addColumn('result', 'text', (c) => c.notNull())
    .addColumn('plan_id', 'text')
    .addColumn('summary', 'text')
    .addColumn('members_read', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('complete', 'integer')
    .addColumn('error', 'text')
    .addColumn('instance', 'text')
    .addColumn('started_at', 'text', (c) => c.notNull())
    .addColumn('finished_at', 'text')
    .execute();
  await db.schema.createIndex('sync_run_workspace_idx').on('sync_run').columns(['workspace_id', 'started_at']).execute();

  // Where the next incremental read of a binding starts, and when its last good cycle finished.
  await db.schema
    .createTable('connector_state')
    .addColumn('workspace_id', 'text', (c) => c.notNull().references('workspace.id').onDelete('cascade'))
    .addColumn('binding', 'text', (c) => c.notNull())
    .addColumn('cursor', 'text')
    .addColumn('last_good_at', 'text')
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('connector_state_pk', ['workspace_id', 'binding'])
    .execute();

  // One runner per schedule across instances sharing a database: whoever holds an unexpired lease runs it.
  await db.schema
    .createTable('lease')
    .addColumn('name', 'text', (c) => c.primaryKey())
    .addColumn('holder', 'text', (c) => c.notNull())
    .addColumn('expires_at', bigint, (c) => c.notNull())
    .addColumn('acquired_at', 'text', (c) => c.notNull())
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const table of ['lease', 'connector_state', 'sync_run', 'plan_change', 'plan']) {
    await db.schema.dropTable(table).ifExists().execute();
  }
  await db.schema.dropIndex('membership_managed_idx').ifExists().execute();
  await db.schema.alterTable('scim_group').dropColumn('managed_by').execute();
  await db.schema.alterTable('membership').dropColumn('field_sources').execute();
  await db.schema.alterTable('membership').dropColumn('managed_by').execute();
}
