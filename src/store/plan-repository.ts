import type { Kysely } from 'kysely';
import { emptyMemberFields, setFieldsOf } from '../model/member.js';
import type { Change, ChangeAction } from '../model/plan.js';
import { sortKeyOf } from '../model/plan.js';
import type { Database, PlanRow, PlanStatus } from './database.js';
import { insertRows } from './bulk-insert.js';

type Db = Kysely<Database>;

// A plan is a header row and a row per change, paged in stable order, never held whole.

export interface StoredPlan {
  id: string;
  workspaceId: string;
  source: string;
  binding: string | null;
  basis: number;
  status: PlanStatus;
  summary: Record<ChangeAction, number>;
  warnings: string[];
  changeCount: number;
  deletions: number;
  complete: boolean;
  cursor: string | null;
  createdAt: string;
  decidedAt: string | null;
  decidedBy: string | null;
}

export function rowToPlan(row: PlanRow): StoredPlan {
  return {
    id: row.id,
    workspaceId: row.workspace_id,
    source: row.source,
    binding: row.binding,
    basis: Number(row.basis),
    status: row.status,
    summary: JSON.parse(row.summary) as Record<ChangeAction, number>,
    warnings: JSON.parse(row.warnings) as string[],
    changeCount: Number(row.change_count),
    deletions: Number(row.deletions),
    complete: Number(row.complete) === 1,
    cursor: row.cursor,
    createdAt: row.created_at,
    decidedAt: row.decided_at,
    decidedBy: row.decided_by,
  };
}

export async function insertPlan(db: Db, plan: StoredPlan): Promise<void> {
  await db
    .insertInto('plan')
    .values({
      id: plan.id,
      workspace_id: plan.workspaceId,
      source: plan.source,
      binding: plan.binding,
      basis: plan.basis,
      status: plan.status,
      summary: JSON.stringify(plan.summary),
      warnings: JSON.stringify(plan.warnings),
      change_count: plan.changeCount,
      deletions: plan.deletions,
      complete: plan.complete ? 1 : 0,
      cursor: plan.cursor,
      created_at: plan.createdAt,
      decided_at: plan.decidedAt,
      decided_by: plan.decidedBy,
    })
    .execute();
}

/** Member creates are stored without their null fields; `expand` restores them. */
function compact(change: Change): Change {
  if (change.kind !== 'member' || change.action !== 'create' || !change.after) return change;
  // Object.assign, not a spread: cheaper per change.
  return Object.assign({}, change, { after: setFieldsOf(change.after) });
}

function expand(change: Change): Change {
  if (change.kind !== 'member' || change.action !== 'create' || !change.after) return change;
  return Object.assign({}, change, { after: Object.assign(emptyMemberFields(String(change.after.userName)), change.after) });
}

const PLAN_CHANGE_COLUMNS = ['plan_id', 'seq', 'sort_key', 'change'] as const;

export async function appendPlanChanges(db: Db, planId: string, firstSeq: number, changes: readonly Change[]): Promise<void> {
  const rows = changes.map((change, i) => ({ plan_id: planId, seq: firstSeq + i, sort_key: sortKeyOf(change), change: JSON.stringify(compact(change)) }));
  await insertRows(db, 'plan_change', PLAN_CHANGE_COLUMNS, rows);
}

/** Keyset pages in stable order; the next is read while the caller applies this one. */
export async function* planChanges(db: Db, planId: string, pageSize = 1000): AsyncGenerator<Change[]> {
  const read = (after: { sortKey: string; seq: number } | null) => {
    let query = db.selectFrom('plan_change').select(['sort_key', 'seq', 'change']).where('plan_id', '=', planId);
    if (after) {
      const { sortKey, seq } = after;
      // A row-value comparison starts an index range; an OR would rescan the plan on every page.
      query = query.where((eb) => eb(eb.refTuple('sort_key', 'seq'), '>', eb.tuple(sortKey, seq)));
    }
    // Parsed on arrival, overlapping the caller's batch.
    return query
      .orderBy('sort_key')
      .orderBy('seq')
      .limit(pageSize)
      .execute()
      .then((rows) => ({ changes: rows.map((r) => expand(JSON.parse(r.change) as Change)), last: rows.length < pageSize ? null : rows[rows.length - 1]! }));
  };
  let next = read(null);
  try {
    for (;;) {
      const { changes, last } = await next;
      if (changes.length === 0) return;
      next = last === null ? Promise.resolve({ changes: [], last: null }) : read({ sortKey: last.sort_key, seq: Number(last.seq) });
      yield changes;
    }
  } finally {
    // A caller that stops early leaves a read in flight; its failure is nobody's.
    next.catch(() => undefined);
  }
}

export async function findPlan(db: Db, id: string): Promise<StoredPlan | undefined> {
  const row = await db.selectFrom('plan').selectAll().where('id', '=', id).executeTakeFirst();
  return row ? rowToPlan(row) : undefined;
}

export async function updatePlan(
  db: Db,
  id: string,
  update: Partial<Pick<StoredPlan, 'status' | 'summary' | 'warnings' | 'changeCount' | 'deletions' | 'complete' | 'cursor' | 'decidedAt' | 'decidedBy'>>,
): Promise<void> {
  await db
    .updateTable('plan')
    .set({
      ...(update.status !== undefined ? { status: update.status } : {}),
      ...(update.summary !== undefined ? { summary: JSON.stringify(update.summary) } : {}),
      ...(update.warnings !== undefined ? { warnings: JSON.stringify(update.warnings) } : {}),
      ...(update.changeCount !== undefined ? { change_count: update.changeCount } : {}),
      ...(update.deletions !== undefined ? { deletions: update.deletions } : {}),
      ...(update.complete !== undefined ? { complete: update.complete ? 1 : 0 } : {}),
      ...(update.cursor !== undefined ? { cursor: update.cursor } : {}),
      ...(update.decidedAt !== undefined ? { decided_at: update.decidedAt } : {}),
      ...(update.decidedBy !== undefined ? { decided_by: update.decidedBy } : {}),
    })
    .where('id', '=', id)
    .execute();
}

export async function deletePlan(db: Db, id: string): Promise<void> {
  await db.deleteFrom('plan_change').where('plan_id', '=', id).execute();
  await db.deleteFrom('plan').where('id', '=', id).execute();
}

/** The status in the WHERE lets a racing decision keep its own. True when this call decided. */
export async function rejectPlan(db: Db, id: string, decided: { at: string; by: string }): Promise<boolean> {
  const result = await db
    .updateTable('plan')
    .set({ status: 'rejected', decided_at: decided.at, decided_by: decided.by })
    .where('id', '=', id)
    .where('status', '=', 'pending')
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

export async function pendingPlanOf(db: Db, workspaceId: string, binding: string): Promise<StoredPlan | undefined> {
  const row = await db
    .selectFrom('plan')
    .selectAll()
    .where('workspace_id', '=', workspaceId)
    .where('binding', '=', binding)
    .where('status', '=', 'pending')
    .orderBy('created_at', 'desc')
    .executeTakeFirst();
  return row ? rowToPlan(row) : undefined;
}

/**
 * Mark the binding's other pending plans stale: a later cycle superseded them, and they would hold back scheduled
 * cycles.
 */
export async function supersedePendingPlans(
  db: Db,
  workspaceId: string,
  binding: string,
  keep: string | null,
  decided: { at: string; by: string; note: string },
): Promise<string[]> {
  let query = db.selectFrom('plan').select(['id', 'warnings']).where('workspace_id', '=', workspaceId).where('binding', '=', binding).where('status', '=', 'pending');
  if (keep !== null) query = query.where('id', '!=', keep);
  const rows = await query.execute();
  for (const row of rows) {
    const warnings = [...(JSON.parse(row.warnings) as string[]), decided.note];
    // A racing approval keeps its decision.
    await db
      .updateTable('plan')
      .set({ status: 'stale', decided_at: decided.at, decided_by: decided.by, warnings: JSON.stringify(warnings) })
      .where('id', '=', row.id)
      .where('status', '=', 'pending')
      .execute();
  }
  return rows.map((r) => r.id);
}

/** Keep the newest `keep` and every pending plan, or a daemon keeps all forever. */
export async function prunePlans(db: Db, workspaceId: string, binding: string, keep: number): Promise<number> {
  const old = await db
    .selectFrom('plan')
    .select('id')
    .where('workspace_id', '=', workspaceId)
    .where('binding', '=', binding)
    .where('status', '!=', 'pending')
    .orderBy('created_at', 'desc')
    .orderBy('id', 'desc')
    .offset(keep)
    .limit(1000)
    .execute();
  for (const { id } of old) await deletePlan(db, id);
  return old.length;
}
