import type { Kysely } from 'kysely';
import type { DriftReason } from '../model/drift.js';
import type { Database } from './database.js';
import { driftCounts } from './pulled-member-repository.js';

type Db = Kysely<Database>;

// Read-only views of the pull side for /metrics and operators.

/** Plans over a deletion budget awaiting approval. */
export async function countPendingPlans(db: Db): Promise<{ workspaceId: string; pending: number }[]> {
  const rows = await db
    .selectFrom('plan')
    .select(['workspace_id', (eb) => eb.fn.countAll<number | string>().as('pending')])
    .where('status', '=', 'pending')
    .groupBy('workspace_id')
    .execute();
  return rows.map((row) => ({ workspaceId: row.workspace_id, pending: Number(row.pending) }));
}

export async function lastGoodCycles(db: Db): Promise<{ workspaceId: string; binding: string; lastGoodAt: string }[]> {
  const rows = await db
    .selectFrom('connector_state')
    .select(['workspace_id', 'binding', 'last_good_at'])
    .where('last_good_at', 'is not', null)
    .execute();
  return rows.flatMap((row) => (row.last_good_at === null ? [] : [{ workspaceId: row.workspace_id, binding: row.binding, lastGoodAt: row.last_good_at }]));
}

export interface BindingStatus {
  binding: string;
  lastGoodAt: string | null;
  lastFullAt: string | null;
  fullDue: string | null;
  pendingPlan: string | null;
  lastRun: { id: string; result: string; startedAt: string; finishedAt: string | null; message: string | null } | null;
  drift: Partial<Record<DriftReason, number>>;
}

/** Every binding known to the store (runs, state, records), or only `names`. */
export async function bindingStatuses(db: Db, workspaceId: string, names: readonly string[] = []): Promise<BindingStatus[]> {
  const [states, runs, pending, drift] = await Promise.all([
    db.selectFrom('connector_state').selectAll().where('workspace_id', '=', workspaceId).execute(),
    db
      .selectFrom('sync_run')
      .select(['id', 'binding', 'result', 'started_at', 'finished_at', 'message'])
      .where('workspace_id', '=', workspaceId)
      .orderBy('started_at', 'desc')
      .limit(1000)
      .execute(),
    db.selectFrom('plan').select(['id', 'binding']).where('workspace_id', '=', workspaceId).where('status', '=', 'pending').orderBy('created_at', 'desc').execute(),
    driftCounts(db, workspaceId),
  ]);
  const all = new Set<string>(names);
  if (names.length === 0) {
    for (const s of states) all.add(s.binding);
    for (const r of runs) all.add(r.binding);
    for (const d of drift) all.add(d.binding);
  }
  return [...all].sort().map((binding) => {
    const state = states.find((s) => s.binding === binding);
    const run = runs.find((r) => r.binding === binding);
    const counts: Partial<Record<DriftReason, number>> = {};
    for (const d of drift) if (d.binding === binding) counts[d.reason] = (counts[d.reason] ?? 0) + d.members;
    return {
      binding,
      lastGoodAt: state?.last_good_at ?? null,
      lastFullAt: state?.last_full_at ?? null,
      fullDue: state?.full_due ?? null,
      pendingPlan: pending.find((p) => p.binding === binding)?.id ?? null,
      lastRun: run ? { id: run.id, result: run.result, startedAt: run.started_at, finishedAt: run.finished_at, message: run.message } : null,
      drift: counts,
    };
  });
}
