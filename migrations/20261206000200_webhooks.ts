import type { Kysely } from 'kysely';

// Webhooks: endpoints that receive a workspace's events (or every workspace's), signed, in order, at least once;
// a delivery cursor per endpoint and workspace with the state of its next attempt; and the history of attempts.

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('webhook_endpoint')
    .addColumn('id', 'text', (c) => c.primaryKey())
    // Null: every workspace, including those created later.
    .addColumn('workspace_id', 'text', (c) => c.references('workspace.id').onDelete('cascade'))
    .addColumn('url', 'text', (c) => c.notNull())
    // JSON array of event type patterns (`member.*`, `group.member_added`); null: every event.
    .addColumn('event_types', 'text')
    // The signing secret (`whsec_<base64>`): kept as is, because signing needs it; printed once, never logged.
    .addColumn('secret', 'text', (c) => c.notNull())
    // active, failing (retries ran out; waits for `rosterd webhook enable`) or disabled (by hand).
    .addColumn('status', 'text', (c) => c.notNull().defaultTo('active'))
    .addColumn('failing_since', 'text')
    // Why the endpoint is failing: the last attempt's error.
    .addColumn('status_reason', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('webhook_endpoint_workspace_idx').on('webhook_endpoint').column('workspace_id').execute();

  // Per endpoint and workspace: the last sequence the endpoint accepted, and the retry state of the one after it.
  await db.schema
    .createTable('webhook_cursor')
    .addColumn('endpoint_id', 'text', (c) => c.notNull().references('webhook_endpoint.id').onDelete('cascade'))
    .addColumn('workspace_id', 'text', (c) => c.notNull().references('workspace.id').onDelete('cascade'))
    .addColumn('last_seq', 'bigint', (c) => c.notNull())
    // Failed attempts of the next event so far, when the first of them failed, and when to try again.
    .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('first_failed_at', 'text')
    .addColumn('next_attempt_at', 'text')
    .addColumn('last_error', 'text')
    // Moved by every change made outside the delivering process (replay, enable): that process then re-reads the row.
    .addColumn('revision', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('webhook_cursor_pk', ['endpoint_id', 'workspace_id'])
    .execute();

  // Every attempt: what was sent, what came back (a status and a bounded excerpt of the body, or an error).
  await db.schema
    .createTable('webhook_delivery')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('endpoint_id', 'text', (c) => c.notNull().references('webhook_endpoint.id').onDelete('cascade'))
    .addColumn('workspace_id', 'text', (c) => c.notNull().references('workspace.id').onDelete('cascade'))
    .addColumn('seq', 'bigint', (c) => c.notNull())
    .addColumn('event_id', 'text', (c) => c.notNull())
    .addColumn('event_type', 'text', (c) => c.notNull())
    .addColumn('attempt', 'integer', (c) => c.notNull())
    .addColumn('at', 'text', (c) => c.notNull())
    // delivered or failed.
    .addColumn('outcome', 'text', (c) => c.notNull())
    .addColumn('http_status', 'integer')
    .addColumn('duration_ms', 'integer', (c) => c.notNull())
    // A network error or timeout, or what a non-2xx answer said (its body, at most 500 characters).
    .addColumn('error', 'text')
    .execute();
  await db.schema.createIndex('webhook_delivery_workspace_idx').on('webhook_delivery').columns(['workspace_id', 'at']).execute();
  await db.schema.createIndex('webhook_delivery_endpoint_idx').on('webhook_delivery').columns(['endpoint_id', 'at']).execute();
  // Retention deletes by age.
  await db.schema.createIndex('webhook_delivery_at_idx').on('webhook_delivery').column('at').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('webhook_delivery').ifExists().execute();
  await db.schema.dropTable('webhook_cursor').ifExists().execute();
  await db.schema.dropTable('webhook_endpoint').ifExists().execute();
}
