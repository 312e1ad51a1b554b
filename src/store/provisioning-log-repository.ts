import type { Insertable, Kysely } from 'kysely';
import { truncateText } from '../model/value-excerpt.js';
import type { Database, ProvisioningLogTable } from './database.js';
import { preparedQuery } from './prepared-query.js';
import { insertRows } from './bulk-insert.js';

type Db = Kysely<Database>;

export interface LogEntry {
  workspaceId: string;
  actor: string;
  operation: string;
  targetKind: string;
  targetId: string | null;
  targetKey: string | null;
  before: Record<string, unknown> | null;
  after: Record<string, unknown> | null;
  result: 'applied' | 'refused' | 'skipped';
  errorStatus: number | null;
  errorDetail: string | null;
  requestId: string | null;
  at: string;
}

/** A detail a person reads, never a request's megabytes. */
export const LOG_TEXT_CHARACTERS = 1_000;
/** Longer records are logged as their summary. */
export const LOG_RECORD_CHARACTERS = 8_000;
const SUMMARY_STRING_CHARACTERS = 64;

/** Strings cut, arrays and objects counted: a row stays a few kilobytes. */
function summaryOf(record: Record<string, unknown>, length: number): Record<string, unknown> {
  const summary: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(record)) {
    if (typeof value === 'string') summary[key] = truncateText(value, SUMMARY_STRING_CHARACTERS);
    else if (Array.isArray(value)) summary[key] = `[${value.length} entries]`;
    else if (typeof value === 'object' && value !== null) summary[key] = `{${Object.keys(value).length} attributes}`;
    else summary[key] = value;
  }
  summary['…'] = `summary of a record of ${length} characters`;
  return summary;
}

function recordText(record: Record<string, unknown> | null): string | null {
  if (record === null) return null;
  const text = JSON.stringify(record);
  return text.length <= LOG_RECORD_CHARACTERS ? text : JSON.stringify(summaryOf(record, text.length));
}

const toRow = (e: LogEntry): Insertable<ProvisioningLogTable> => ({
  workspace_id: e.workspaceId,
  actor: e.actor,
  operation: e.operation,
  target_kind: e.targetKind,
  target_id: e.targetId === null ? null : truncateText(e.targetId, LOG_TEXT_CHARACTERS),
  target_key: e.targetKey === null ? null : truncateText(e.targetKey, LOG_TEXT_CHARACTERS),
  before: recordText(e.before),
  after: recordText(e.after),
  result: e.result,
  error_status: e.errorStatus,
  error_detail: e.errorDetail === null ? null : truncateText(e.errorDetail, LOG_TEXT_CHARACTERS),
  request_id: e.requestId,
  at: e.at,
});

type LogRow = Required<Insertable<ProvisioningLogTable>>;
const LOG_COLUMNS = ['workspace_id', 'actor', 'operation', 'target_kind', 'target_id', 'target_key', 'before', 'after', 'result', 'error_status', 'error_detail', 'request_id', 'at'] as const;

/** One row (nearly every SCIM write), compiled once. */
const insertOne = preparedQuery(
  (db, ...values: LogRow[(typeof LOG_COLUMNS)[number]][]) =>
    db.insertInto('provisioning_log').values(Object.fromEntries(LOG_COLUMNS.map((column, i) => [column, values[i]])) as LogRow),
  LOG_COLUMNS.map(() => '') as LogRow[(typeof LOG_COLUMNS)[number]][],
);

/** In chunks: a large group PATCH is a few statements. */
export async function appendLog(db: Db, entries: readonly LogEntry[]): Promise<void> {
  if (entries.length === 1) {
    const row = toRow(entries[0]!) as LogRow;
    await insertOne(db, ...LOG_COLUMNS.map((column) => row[column]));
    return;
  }
  await insertRows(db, 'provisioning_log', LOG_COLUMNS, entries.map(toRow) as LogRow[]);
}

export interface LogQuery {
  since?: string;
  limit: number;
}

export async function readLog(db: Db, workspaceId: string, query: LogQuery): Promise<(LogEntry & { id: number })[]> {
  let q = db.selectFrom('provisioning_log').selectAll().where('workspace_id', '=', workspaceId);
  if (query.since) q = q.where('at', '>=', query.since);
  const rows = await q.orderBy('id', 'desc').limit(query.limit).execute();
  return rows.reverse().map((r) => ({
    id: Number(r.id),
    workspaceId: r.workspace_id,
    actor: r.actor,
    operation: r.operation,
    targetKind: r.target_kind,
    targetId: r.target_id,
    targetKey: r.target_key,
    before: r.before === null ? null : (JSON.parse(r.before) as Record<string, unknown>),
    after: r.after === null ? null : (JSON.parse(r.after) as Record<string, unknown>),
    result: r.result,
    errorStatus: r.error_status === null ? null : Number(r.error_status),
    errorDetail: r.error_detail,
    requestId: r.request_id,
    at: r.at,
  }));
}
