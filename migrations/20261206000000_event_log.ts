import type { Kysely } from 'kysely';

// The event log: every applied change of a workspace's members, groups and group memberships, written in the
// transaction of the change, numbered per workspace without gaps in commit order. Rows carry the sequence of the
// transaction that last wrote them, so that a listing can be cut at one sequence and followed by the events after it.

export async function up(db: Kysely<any>): Promise<void> {
  // The sequence of the workspace's last event; taken under the workspace's write lock, like its revision.
  await db.schema.alterTable('workspace').addColumn('event_seq', 'bigint', (c) => c.notNull().defaultTo(0)).execute();
  // The first sequence of the transaction that last wrote the row (0: before the event log).
  for (const table of ['membership', 'scim_group', 'group_member']) {
    await db.schema.alterTable(table).addColumn('event_seq', 'bigint', (c) => c.notNull().defaultTo(0)).execute();
  }

  await db.schema
    .createTable('event')
    .addColumn('workspace_id', 'text', (c) => c.notNull().references('workspace.id').onDelete('cascade'))
    .addColumn('seq', 'bigint', (c) => c.notNull())
    .addColumn('id', 'text', (c) => c.notNull())
    .addColumn('type', 'text', (c) => c.notNull())
    .addColumn('occurred_at', 'text', (c) => c.notNull())
    // `scim:<key name>`, `connector:<binding>` or `cli`.
    .addColumn('source', 'text', (c) => c.notNull())
    // The SCIM request or the plan the change belongs to.
    .addColumn('run_id', 'text')
    // JSON: the resource after the change (before it, for a removal), and for updates what changed.
    .addColumn('data', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('event_pk', ['workspace_id', 'seq'])
    .execute();
  // No other index: every write adds a row here inside the workspace's write lock, and each index would lengthen it.
  // Ids are UUIDv7 (unique by construction, never looked up); retention finds its cut by sequence (event-repository.ts).
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('event').ifExists().execute();
  for (const table of ['group_member', 'scim_group', 'membership', 'workspace']) {
    await db.schema.alterTable(table).dropColumn('event_seq').execute();
  }
}
