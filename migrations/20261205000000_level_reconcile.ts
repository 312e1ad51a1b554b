import { type Kysely, sql } from 'kysely';

// Level-based reconcile: what each binding's IdP last said about each of its users, whether the store matches it,
// and which member rows another source wrote since their binding last looked, so that every cycle re-plans what
// is out of line without reading the whole IdP.

export async function up(db: Kysely<any>): Promise<void> {
  // One row per IdP user a binding has read: the mapped statement (a SnapshotMember, or a RemovedMember for one the
  // IdP reported gone), its hash, when the store does not match it why (a category and a sentence), and the member
  // version at which it did.
  await db.schema
    .createTable('pulled_member')
    .addColumn('workspace_id', 'text', (c) => c.notNull().references('workspace.id').onDelete('cascade'))
    .addColumn('binding', 'text', (c) => c.notNull())
    .addColumn('external_id', 'text', (c) => c.notNull())
    .addColumn('snapshot', 'text', (c) => c.notNull())
    .addColumn('hash', 'text', (c) => c.notNull())
    .addColumn('drift', 'text')
    .addColumn('drift_detail', 'text')
    // The member's version at which the store matched this statement (or will, once the change planned for it is applied).
    .addColumn('settled_version', 'integer')
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('pulled_member_pk', ['workspace_id', 'binding', 'external_id'])
    .execute();
  await db.schema.createIndex('pulled_member_drift_idx').on('pulled_member').columns(['workspace_id', 'binding', 'external_id']).where(sql.ref('drift'), 'is not', null).execute();

  // The member's version when its binding last left it matching the IdP; any other writer moves `version` past it.
  await db.schema.alterTable('membership').addColumn('synced_version', 'integer', (c) => c.notNull().defaultTo(0)).execute();
  await db
    .updateTable('membership')
    .set({ synced_version: sql`version` })
    .where('managed_by', 'is not', null)
    .execute();
  await sql`create index membership_unsynced_idx on membership (workspace_id, managed_by, id) where managed_by is not null and synced_version <> version`.execute(db);

  // When the binding last read everything, why its next cycle must (null: it need not), and a hash of the workspace
  // settings its records were last compared under (a change of them calls for a full read).
  await db.schema.alterTable('connector_state').addColumn('last_full_at', 'text').execute();
  await db.schema.alterTable('connector_state').addColumn('full_due', 'text').execute();
  await db.schema.alterTable('connector_state').addColumn('settings_hash', 'text').execute();
  // Bindings that pulled before this migration have no record of what their IdP said: their next cycle reads it all.
  await db.updateTable('connector_state').set({ full_due: 'the store now keeps what the IdP last said about each member; one full read records it' }).execute();

  // What a run left out of line, and its one-line outcome as the CLI printed it.
  await db.schema.alterTable('sync_run').addColumn('drift', 'integer').execute();
  await db.schema.alterTable('sync_run').addColumn('message', 'text').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('sync_run').dropColumn('message').execute();
  await db.schema.alterTable('sync_run').dropColumn('drift').execute();
  await db.schema.alterTable('connector_state').dropColumn('settings_hash').execute();
  await db.schema.alterTable('connector_state').dropColumn('full_due').execute();
  await db.schema.alterTable('connector_state').dropColumn('last_full_at').execute();
  await db.schema.dropIndex('membership_unsynced_idx').ifExists().execute();
  await db.schema.alterTable('membership').dropColumn('synced_version').execute();
  await db.schema.dropTable('pulled_member').ifExists().execute();
}
