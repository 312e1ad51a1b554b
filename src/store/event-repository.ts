import type { Kysely } from 'kysely';
import type { MemberRef } from '../events/app-resources.js';
import type { EventDraft, RosterdEvent } from '../events/event.js';
import type { Group } from '../model/group.js';
import type { Member } from '../model/member.js';
import { timeOrderedId } from '../model/time-ordered-id.js';
import { insertRows } from './bulk-insert.js';
import type { Database, EventRow } from './database.js';
import { dialectOf } from './dialect-support.js';
import { rowToGroup } from './group-repository.js';
import { rowToMember } from './member-row.js';
import { preparedQuery } from './prepared-query.js';
import { listChunks } from './list-chunks.js';

type Db = Kysely<Database>;

const EVENT_COLUMNS = ['workspace_id', 'seq', 'id', 'type', 'occurred_at', 'source', 'run_id', 'data'] as const;

export interface EventMeta {
  source: string;
  runId: string | null;
  now: string;
}

/** The caller holds the workspace's write lock (takeWriteLock), so numbers follow commit order. */
export async function appendEvents(trx: Db, workspaceId: string, firstSeq: number, drafts: readonly EventDraft[], meta: EventMeta): Promise<number> {
  const rows = drafts.map((draft, k) => ({
    workspace_id: workspaceId,
    seq: firstSeq + k,
    id: timeOrderedId(),
    type: draft.type,
    occurred_at: meta.now,
    source: meta.source,
    run_id: meta.runId,
    data: JSON.stringify(draft.data),
  }));
  const last = firstSeq + drafts.length - 1;
  const notice = dialectOf(trx).eventNotice;
  const payload = notice?.payload(workspaceId, last);
  const values = rows.length === 1 ? EVENT_COLUMNS.map((column) => rows[0]![column]) : null;
  if (values && payload !== undefined) {
    await insertEventNoticed(trx, ...values, last, workspaceId, payload);
    return last;
  }
  if (values) await insertEvent(trx, ...values);
  else await insertRows(trx, 'event', EVENT_COLUMNS, rows);
  if (payload !== undefined) await setLastEventSeqNoticed(trx, last, workspaceId, payload);
  else await setLastEventSeq(trx, last, workspaceId);
  return last;
}

const eventValues = (values: readonly unknown[]) => Object.fromEntries(EVENT_COLUMNS.map((column, c) => [column, values[c]])) as never;
const placeholders = (count: number) => new Array<unknown>(count).fill('');

/** Compiled once: most SCIM writes make one event. */
const insertEvent = preparedQuery((db, ...values: unknown[]) => db.insertInto('event').values(eventValues(values)), placeholders(EVENT_COLUMNS.length));

const setLastEventSeq = preparedQuery((db, seq: number, workspaceId: string) => db.updateTable('workspace').set({ event_seq: seq }).where('id', '=', workspaceId), [0, '']);

/** One round trip where other instances are told: the row, the workspace's last sequence and the notice. */
const insertEventNoticed = preparedQuery((db, ...values: unknown[]) => {
  const [seq, workspaceId, payload] = values.slice(EVENT_COLUMNS.length);
  return db
    .with('inserted', (qc) => qc.insertInto('event').values(eventValues(values)))
    .with('moved', (qc) => qc.updateTable('workspace').set({ event_seq: seq as number }).where('id', '=', workspaceId as string))
    .selectNoFrom(dialectOf(db).eventNotice!.expression(payload).as('noticed'));
}, placeholders(EVENT_COLUMNS.length + 3));

const setLastEventSeqNoticed = preparedQuery(
  (db, seq: number, workspaceId: string, payload: string) =>
    db
      .with('moved', (qc) => qc.updateTable('workspace').set({ event_seq: seq }).where('id', '=', workspaceId))
      .selectNoFrom(dialectOf(db).eventNotice!.expression(payload).as('noticed')),
  [0, '', ''],
);

export function rowToEvent(row: EventRow): RosterdEvent {
  return {
    id: row.id,
    workspace: row.workspace_id,
    seq: Number(row.seq),
    type: row.type as RosterdEvent['type'],
    occurredAt: row.occurred_at,
    source: row.source,
    runId: row.run_id,
    data: JSON.parse(row.data) as RosterdEvent['data'],
  };
}

export async function readEvents(db: Db, workspaceId: string, afterSeq: number, limit: number): Promise<RosterdEvent[]> {
  const rows = await db.selectFrom('event').selectAll().where('workspace_id', '=', workspaceId).where('seq', '>', afterSeq).orderBy('seq').limit(limit).execute();
  return rows.map(rowToEvent);
}

/** 0: none; undefined: no such workspace. */
export async function lastEventSeq(db: Db, workspaceId: string): Promise<number | undefined> {
  const row = await db.selectFrom('workspace').select('event_seq').where('id', '=', workspaceId).executeTakeFirst();
  return row ? Number(row.event_seq) : undefined;
}

export async function lastEventSeqs(db: Db): Promise<Map<string, number>> {
  const rows = await db.selectFrom('workspace').select(['id', 'event_seq']).orderBy('id').execute();
  return new Map(rows.map((r) => [r.id, Number(r.event_seq)]));
}

export async function firstRetainedSeq(db: Db, workspaceId: string): Promise<number | undefined> {
  const row = await db.selectFrom('event').select((eb) => eb.fn.min('seq').as('first')).where('workspace_id', '=', workspaceId).executeTakeFirst();
  return row?.first === null || row?.first === undefined ? undefined : Number(row.first);
}

/** Deletes a prefix of each log, so no holes remain; times grow with sequences, so the cut is bisected by key. */
export async function pruneEvents(db: Db, cutoff: string, batch = 5_000): Promise<number> {
  const spans = await db
    .selectFrom('event')
    .select((eb) => ['workspace_id', eb.fn.min('seq').as('first'), eb.fn.max('seq').as('last')])
    .groupBy('workspace_id')
    .execute();
  let total = 0;
  for (const span of spans) {
    const last = await lastSeqBefore(db, span.workspace_id, Number(span.first), Number(span.last), cutoff);
    for (let from = Number(span.first); from <= last; from += batch) {
      const result = await db
        .deleteFrom('event')
        .where('workspace_id', '=', span.workspace_id)
        .where('seq', '<=', Math.min(last, from + batch - 1))
        .executeTakeFirst();
      total += Number(result.numDeletedRows);
    }
  }
  return total;
}

/** Last sequence in [first, last] with an event before `cutoff`, or first − 1. */
async function lastSeqBefore(db: Db, workspaceId: string, first: number, last: number, cutoff: string): Promise<number> {
  let low = first - 1;
  let high = last;
  while (low < high) {
    const mid = Math.ceil((low + high) / 2);
    // A concurrent prune may have removed `mid`.
    const row = await db.selectFrom('event').select(['seq', 'occurred_at']).where('workspace_id', '=', workspaceId).where('seq', '>=', mid).orderBy('seq').limit(1).executeTakeFirst();
    if (row && row.occurred_at < cutoff) low = Number(row.seq);
    else high = mid - 1;
  }
  return low;
}

async function inChunks<T>(db: Db, ids: readonly string[], read: (chunk: string[]) => Promise<T[]>): Promise<T[]> {
  const out: T[] = [];
  for (const chunk of listChunks(ids, dialectOf(db).chunks.ids)) out.push(...(await read(chunk)));
  return out;
}

export async function membersByIds(db: Db, workspaceId: string, ids: readonly string[]): Promise<Map<string, Member>> {
  const rows = await inChunks(db, ids, (chunk) => db.selectFrom('membership').selectAll().where('workspace_id', '=', workspaceId).where('id', 'in', chunk).execute());
  return new Map(rows.map((row) => [row.id, rowToMember(row)]));
}

export async function groupsByIds(db: Db, workspaceId: string, ids: readonly string[]): Promise<Map<string, Group>> {
  const rows = await inChunks(db, ids, (chunk) => db.selectFrom('scim_group').selectAll().where('workspace_id', '=', workspaceId).where('id', 'in', chunk).execute());
  return new Map(rows.map((row) => [row.id, rowToGroup(row)]));
}

/** As group-membership events name members. */
export async function memberRefsByIds(db: Db, workspaceId: string, ids: readonly string[]): Promise<Map<string, MemberRef>> {
  const rows = await inChunks(db, ids, (chunk) =>
    db.selectFrom('membership').select(['id', 'user_name', 'external_id']).where('workspace_id', '=', workspaceId).where('id', 'in', chunk).execute(),
  );
  return new Map(rows.map((row) => [row.id, { id: row.id, userName: row.user_name, externalId: row.external_id }]));
}
