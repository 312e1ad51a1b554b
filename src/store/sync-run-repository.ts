import type { Kysely } from 'kysely';
import type { ChangeAction } from '../model/plan.js';
import type { Database, RunResult, SyncRunRow, SyncRunTable } from './database.js';

type Db = Kysely<Database>;

export interface SyncRun {
  id: string;
  workspaceId: string;
  binding: string;
  mode: SyncRunTable['mode'];
  trigger: SyncRunTable['trigger'];
  dryRun: boolean;
  result: RunResult;
  planId: string | null;
  summary: Record<ChangeAction, number> | null;
  membersRead: number;
  complete: boolean | null;
  error: string | null;
  instance: string | null;
  startedAt: string;
  finishedAt: string | null;
  drift: number | null;
  message: string | null;
}

function rowToRun(row: SyncRunRow): SyncRun {
  return {
    id: row.id,
    workspaceId: row.workspace_id,
    binding: row.binding,
    mode: row.mode,
    trigger: row.trigger,
    dryRun: Number(row.dry_run) === 1,
    result: row.result,
    planId: row.plan_id,
    summary: row.summary === null ? null : (JSON.parse(row.summary) as Record<ChangeAction, number>),
    membersRead: Number(row.members_read),
    complete: row.complete === null ? null : Number(row.complete) === 1,
    error: row.error,
    instance: row.instance,
    startedAt: row.started_at,
    finishedAt: row.finished_at,
    drift: row.drift === null ? null : Number(row.drift),
    message: row.message,
  };
}

export async function startRun(db: Db, run: Pick<SyncRun, 'id' | 'workspaceId' | 'binding' | 'mode' | 'trigger' | 'dryRun' | 'instance' | 'startedAt'>): Promise<void> {
  await db
    .insertInto('sync_run')
    .values({
      id: run.id,
      workspace_id: run.workspaceId,
      binding: run.binding,
      mode: run.mode,
      trigger: run.trigger,
      dry_run: run.dryRun ? 1 : 0,
      result: 'running',
      instance: run.instance,
      started_at: run.startedAt,
    })
    .execute();
}

export async function finishRun(
  db: Db,
  id: string,
  end: Pick<SyncRun, 'result' | 'planId' | 'summary' | 'membersRead' | 'complete' | 'error' | 'finishedAt'> & Partial<Pick<SyncRun, 'mode' | 'drift' | 'message'>>,
): Promise<void> {
  await db
    .updateTable('sync_run')
    .set({
      result: end.result,
      plan_id: end.planId,
      summary: end.summary === null ? null : JSON.stringify(end.summary),
      members_read: end.membersRead,
      complete: end.complete === null ? null : end.complete ? 1 : 0,
      error: end.error,
      finished_at: end.finishedAt,
      ...(end.mode ? { mode: end.mode } : {}),
      ...(end.drift !== undefined ? { drift: end.drift } : {}),
      ...(end.message !== undefined ? { message: end.message } : {}),
    })
    .where('id', '=', id)
    .execute();
}

/** Others' scheduled runs still marked running: the caller just took the schedule lease, so their instance died. */
export async function failAbandonedRuns(db: Db, workspaceId: string, binding: string, instance: string, finishedAt: string): Promise<number> {
  const result = await db
    .updateTable('sync_run')
    .set({ result: 'failed', error: 'abandoned: its instance stopped before the run ended (the schedule lease expired and another instance took over)', finished_at: finishedAt })
    .where('workspace_id', '=', workspaceId)
    .where('binding', '=', binding)
    .where('trigger', '=', 'schedule')
    .where('result', '=', 'running')
    .where((eb) => eb.or([eb('instance', 'is', null), eb('instance', '<>', instance)]))
    .executeTakeFirst();
  return Number(result.numUpdatedRows);
}

/** A shutdown stopped them. */
export async function abortRunsOf(db: Db, workspaceId: string, binding: string, instance: string, finishedAt: string): Promise<number> {
  const result = await db
    .updateTable('sync_run')
    .set({ result: 'aborted', error: 'interrupted by a shutdown: the cycle did not stop after the abort', finished_at: finishedAt })
    .where('workspace_id', '=', workspaceId)
    .where('binding', '=', binding)
    .where('instance', '=', instance)
    .where('result', '=', 'running')
    .executeTakeFirst();
  return Number(result.numUpdatedRows);
}

export async function listRuns(db: Db, workspaceId: string, limit: number): Promise<SyncRun[]> {
  const rows = await db.selectFrom('sync_run').selectAll().where('workspace_id', '=', workspaceId).orderBy('started_at', 'desc').orderBy('id', 'desc').limit(limit).execute();
  return rows.map(rowToRun);
}

export async function pruneRuns(db: Db, workspaceId: string, binding: string, keep: number): Promise<void> {
  const cutoff = await db
    .selectFrom('sync_run')
    .select('started_at')
    .where('workspace_id', '=', workspaceId)
    .where('binding', '=', binding)
    .orderBy('started_at', 'desc')
    .offset(keep)
    .limit(1)
    .executeTakeFirst();
  if (!cutoff) return;
  await db.deleteFrom('sync_run').where('workspace_id', '=', workspaceId).where('binding', '=', binding).where('started_at', '<=', cutoff.started_at).execute();
}
