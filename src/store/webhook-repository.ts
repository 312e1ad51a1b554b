import type { Kysely } from 'kysely';
import { insertRows } from './bulk-insert.js';
import type { Database, WebhookCursorTable, WebhookDeliveryTable, WebhookEndpointTable } from './database.js';
import type { Selectable } from 'kysely';

type Db = Kysely<Database>;

export type WebhookStatus = WebhookEndpointTable['status'];

/** No secret: only signing needs it. */
export interface WebhookEndpoint {
  id: string;
  /** Null: every workspace. */
  workspaceId: string | null;
  url: string;
  /** Null: every event. */
  events: string[] | null;
  status: WebhookStatus;
  failingSince: string | null;
  statusReason: string | null;
  createdAt: string;
  updatedAt: string;
}

export interface WebhookEndpointWithSecret extends WebhookEndpoint {
  secret: string;
}

export interface WebhookCursor {
  endpointId: string;
  workspaceId: string;
  lastSeq: number;
  attempts: number;
  firstFailedAt: string | null;
  nextAttemptAt: string | null;
  lastError: string | null;
  revision: number;
}

export interface WebhookDelivery {
  id: string;
  endpointId: string;
  workspaceId: string;
  seq: number;
  eventId: string;
  eventType: string;
  attempt: number;
  at: string;
  outcome: 'delivered' | 'failed';
  httpStatus: number | null;
  durationMs: number;
  error: string | null;
}

const DELIVERY_COLUMNS = ['id', 'endpoint_id', 'workspace_id', 'seq', 'event_id', 'event_type', 'attempt', 'at', 'outcome', 'http_status', 'duration_ms', 'error'] as const;

function rowToEndpoint(row: Selectable<WebhookEndpointTable>): WebhookEndpoint {
  return {
    id: row.id,
    workspaceId: row.workspace_id,
    url: row.url,
    events: row.event_types === null ? null : (JSON.parse(row.event_types) as string[]),
    status: row.status,
    failingSince: row.failing_since,
    statusReason: row.status_reason,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

function rowToCursor(row: Selectable<WebhookCursorTable>): WebhookCursor {
  return {
    endpointId: row.endpoint_id,
    workspaceId: row.workspace_id,
    lastSeq: Number(row.last_seq),
    attempts: Number(row.attempts),
    firstFailedAt: row.first_failed_at,
    nextAttemptAt: row.next_attempt_at,
    lastError: row.last_error,
    revision: Number(row.revision),
  };
}

function rowToDelivery(row: Selectable<WebhookDeliveryTable>): WebhookDelivery {
  return {
    id: row.id,
    endpointId: row.endpoint_id,
    workspaceId: row.workspace_id,
    seq: Number(row.seq),
    eventId: row.event_id,
    eventType: row.event_type,
    attempt: Number(row.attempt),
    at: row.at,
    outcome: row.outcome,
    httpStatus: row.http_status === null ? null : Number(row.http_status),
    durationMs: Number(row.duration_ms),
    error: row.error,
  };
}

export interface NewWebhookEndpoint {
  id: string;
  workspaceId: string | null;
  url: string;
  events: readonly string[] | null;
  secret: string;
  now: string;
}

/** Cursors start at each workspace's last event; later workspaces at their beginning. */
export async function insertWebhookEndpoint(trx: Db, endpoint: NewWebhookEndpoint): Promise<void> {
  await trx
    .insertInto('webhook_endpoint')
    .values({
      id: endpoint.id,
      workspace_id: endpoint.workspaceId,
      url: endpoint.url,
      event_types: endpoint.events === null ? null : JSON.stringify(endpoint.events),
      secret: endpoint.secret,
      status: 'active',
      failing_since: null,
      status_reason: null,
      created_at: endpoint.now,
      updated_at: endpoint.now,
    })
    .execute();
  let workspaces = trx.selectFrom('workspace').select(['id', 'event_seq']);
  if (endpoint.workspaceId !== null) workspaces = workspaces.where('id', '=', endpoint.workspaceId);
  for (const workspace of await workspaces.execute()) {
    await trx
      .insertInto('webhook_cursor')
      .values({ endpoint_id: endpoint.id, workspace_id: workspace.id, last_seq: Number(workspace.event_seq), first_failed_at: null, next_attempt_at: null, last_error: null, updated_at: endpoint.now })
      .execute();
  }
}

/** All, or those receiving `workspaceId`'s events, oldest first. */
export async function listWebhookEndpoints(db: Db, workspaceId?: string): Promise<WebhookEndpoint[]> {
  let query = db.selectFrom('webhook_endpoint').selectAll();
  if (workspaceId !== undefined) query = query.where((eb) => eb.or([eb('workspace_id', '=', workspaceId), eb('workspace_id', 'is', null)]));
  return (await query.orderBy('created_at').orderBy('id').execute()).map(rowToEndpoint);
}

/** For the dispatcher, secrets included. */
export async function deliverableWebhookEndpoints(db: Db): Promise<WebhookEndpointWithSecret[]> {
  const rows = await db.selectFrom('webhook_endpoint').selectAll().orderBy('id').execute();
  return rows.map((row) => ({ ...rowToEndpoint(row), secret: row.secret }));
}

export async function findWebhookEndpoint(db: Db, id: string): Promise<WebhookEndpoint | undefined> {
  const row = await db.selectFrom('webhook_endpoint').selectAll().where('id', '=', id).executeTakeFirst();
  return row && rowToEndpoint(row);
}

/** With cursors and history. */
export async function deleteWebhookEndpoint(trx: Db, id: string): Promise<boolean> {
  await trx.deleteFrom('webhook_delivery').where('endpoint_id', '=', id).execute();
  await trx.deleteFrom('webhook_cursor').where('endpoint_id', '=', id).execute();
  const result = await trx.deleteFrom('webhook_endpoint').where('id', '=', id).executeTakeFirst();
  return Number(result.numDeletedRows) > 0;
}

/** Resets retries and moves the cursors' revision, so the delivering process re-reads them. */
export async function enableWebhookEndpoint(trx: Db, id: string, now: string): Promise<boolean> {
  const result = await trx.updateTable('webhook_endpoint').set({ status: 'active', failing_since: null, status_reason: null, updated_at: now }).where('id', '=', id).executeTakeFirst();
  if (Number(result.numUpdatedRows) === 0) return false;
  await trx
    .updateTable('webhook_cursor')
    .set((eb) => ({ attempts: 0, first_failed_at: null, next_attempt_at: null, last_error: null, revision: eb('revision', '+', 1), updated_at: now }))
    .where('endpoint_id', '=', id)
    .execute();
  return true;
}

/** Cursors stay where they are. */
export async function disableWebhookEndpoint(db: Db, id: string, now: string): Promise<boolean> {
  const result = await db.updateTable('webhook_endpoint').set({ status: 'disabled', updated_at: now }).where('id', '=', id).executeTakeFirst();
  return Number(result.numUpdatedRows) > 0;
}

/** Only an active endpoint (retries ran out); false otherwise. */
export async function markWebhookEndpointFailing(db: Db, id: string, reason: string, now: string): Promise<boolean> {
  const result = await db
    .updateTable('webhook_endpoint')
    .set({ status: 'failing', failing_since: now, status_reason: reason, updated_at: now })
    .where('id', '=', id)
    .where('status', '=', 'active')
    .executeTakeFirst();
  return Number(result.numUpdatedRows) > 0;
}

export async function webhookCursors(db: Db, endpointId: string): Promise<WebhookCursor[]> {
  const rows = await db.selectFrom('webhook_cursor').selectAll().where('endpoint_id', '=', endpointId).orderBy('workspace_id').execute();
  return rows.map(rowToCursor);
}

export async function webhookCursorsOfWorkspace(db: Db, workspaceId: string): Promise<WebhookCursor[]> {
  const rows = await db.selectFrom('webhook_cursor').selectAll().where('workspace_id', '=', workspaceId).orderBy('endpoint_id').execute();
  return rows.map(rowToCursor);
}

/** For a workspace newer than an every-workspace endpoint; an existing cursor is kept. */
export async function ensureWebhookCursor(db: Db, endpointId: string, workspaceId: string, lastSeq: number, now: string): Promise<WebhookCursor | undefined> {
  await db
    .insertInto('webhook_cursor')
    .values({ endpoint_id: endpointId, workspace_id: workspaceId, last_seq: lastSeq, first_failed_at: null, next_attempt_at: null, last_error: null, updated_at: now })
    .onConflict((conflict) => conflict.columns(['endpoint_id', 'workspace_id']).doNothing())
    .execute();
  const row = await db.selectFrom('webhook_cursor').selectAll().where('endpoint_id', '=', endpointId).where('workspace_id', '=', workspaceId).executeTakeFirst();
  return row && rowToCursor(row);
}

export interface CursorProgress {
  endpointId: string;
  workspaceId: string;
  /** As read; a cursor moved since (replay, enable) is left alone. */
  revision: number;
  lastSeq: number;
  attempts: number;
  firstFailedAt: string | null;
  nextAttemptAt: string | null;
  lastError: string | null;
  deliveries: readonly WebhookDelivery[];
  now: string;
}

/** False, writing nothing, if the cursor moved or is gone; the process then re-reads it. */
export async function saveWebhookProgress(trx: Db, progress: CursorProgress): Promise<boolean> {
  const result = await trx
    .updateTable('webhook_cursor')
    .set({
      last_seq: progress.lastSeq,
      attempts: progress.attempts,
      first_failed_at: progress.firstFailedAt,
      next_attempt_at: progress.nextAttemptAt,
      last_error: progress.lastError,
      updated_at: progress.now,
    })
    .where('endpoint_id', '=', progress.endpointId)
    .where('workspace_id', '=', progress.workspaceId)
    .where('revision', '=', progress.revision)
    .executeTakeFirst();
  if (Number(result.numUpdatedRows) === 0) return false;
  if (progress.deliveries.length) {
    const rows = progress.deliveries.map((d) => ({
      id: d.id,
      endpoint_id: d.endpointId,
      workspace_id: d.workspaceId,
      seq: d.seq,
      event_id: d.eventId,
      event_type: d.eventType,
      attempt: d.attempt,
      at: d.at,
      outcome: d.outcome,
      http_status: d.httpStatus,
      duration_ms: d.durationMs,
      error: d.error,
    }));
    await insertRows(trx, 'webhook_delivery', DELIVERY_COLUMNS, rows);
  }
  return true;
}

/** Move cursors back to `fromSeq` (never forward), resetting retries; the revision moves. */
export async function replayWebhookCursors(trx: Db, workspaceId: string, endpointIds: readonly string[], fromSeq: number, now: string): Promise<{ endpointId: string; before: number; after: number }[]> {
  if (endpointIds.length === 0) return [];
  const cursors = await trx.selectFrom('webhook_cursor').selectAll().where('workspace_id', '=', workspaceId).where('endpoint_id', 'in', endpointIds).orderBy('endpoint_id').execute();
  const moved: { endpointId: string; before: number; after: number }[] = [];
  for (const cursor of cursors.map(rowToCursor)) {
    const after = Math.min(cursor.lastSeq, fromSeq - 1);
    await trx
      .updateTable('webhook_cursor')
      .set((eb) => ({ last_seq: after, attempts: 0, first_failed_at: null, next_attempt_at: null, last_error: null, revision: eb('revision', '+', 1), updated_at: now }))
      .where('endpoint_id', '=', cursor.endpointId)
      .where('workspace_id', '=', workspaceId)
      .execute();
    moved.push({ endpointId: cursor.endpointId, before: cursor.lastSeq, after });
  }
  return moved;
}

/** Newest first. */
export async function recentWebhookDeliveries(db: Db, workspaceId: string, limit: number, endpointId?: string): Promise<WebhookDelivery[]> {
  let query = db.selectFrom('webhook_delivery').selectAll().where('workspace_id', '=', workspaceId);
  if (endpointId !== undefined) query = query.where('endpoint_id', '=', endpointId);
  return (await query.orderBy('at', 'desc').orderBy('seq', 'desc').orderBy('attempt', 'desc').limit(limit).execute()).map(rowToDelivery);
}

/** `batch` rows per statement; returns how many went. */
export async function pruneWebhookDeliveries(db: Db, cutoff: string, batch = 5_000): Promise<number> {
  let total = 0;
  for (;;) {
    const ids = await db.selectFrom('webhook_delivery').select('id').where('at', '<', cutoff).limit(batch).execute();
    if (ids.length === 0) return total;
    const result = await db
      .deleteFrom('webhook_delivery')
      .where('id', 'in', ids.map((r) => r.id))
      .executeTakeFirst();
    total += Number(result.numDeletedRows);
    if (ids.length < batch) return total;
  }
}

export async function countFailingWebhookEndpoints(db: Db): Promise<number> {
  const row = await db.selectFrom('webhook_endpoint').select((eb) => eb.fn.countAll<number>().as('n')).where('status', '=', 'failing').executeTakeFirst();
  return Number(row?.n ?? 0);
}
