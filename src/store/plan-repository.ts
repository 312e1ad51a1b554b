import type { Kysely } from 'kysely';
import { emptyMemberFields, setFieldsOf } from '../model/member.js';
import type { Change, ChangeAction } from '../model/plan.js';
import { sortKeyOf } from '../model/plan.js';
import type { Database, PlanRow, PlanStatus } from './database.js';
import { insertRows } from './bulk-insert.js';

type Db = Kysely<Database>;

/**
 * Stored plans: a header row and one row per change, so a plan of any size is written and read back in
 * pages, in its stable order (sort_key), without ever being held in memory whole.
 */
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

/**
 * A member create carries every member field, most of them null; stored without the nulls it is a third of the
 * size, and a 100,000-member first cycle writes and reads back that much less. `expand` restores them.
 */
function compact(change: Change): Change {
  if (change.kind !== 'member' || change.action !== 'create' || !change.after) return change;
  // Object.assign, not `{ ...change, after }`: this runs once per planned change, and that spread is slow on Node 20.
  return Object.assign({}, change, { after: setFieldsOf(change.after) });
}

function expand(change: Change): Change {
  if (change.kind !== 'member' || change.action !== 'create' || !change.after) return change;
  return Object.assign({}, change, { after: Object.assign(emptyMemberFields(String(change.after.userName)), change.after) });
}

const PLAN_CHANGE_COLUMNS = ['plan_id', 'seq', 'sort_key', 'change'] as const;

/** Append changes with consecutive sequence numbers starting at `firstSeq`. */
export async function appendPlanChanges(db: Db, planId: string, firstSeq: number, changes: readonly Change[]): Promise<void> {
  const rows = changes.map((change, i) => ({ plan_id: planId, seq: firstSeq + i, sort_key: sortKeyOf(change), change: JSON.stringify(compact(change)) }));
  await insertRows(db, 'plan_change', PLAN_CHANGE_COLUMNS, rows);
}

/**
 * The plan's changes in its stable order, a page at a time (keyset on sort_key, seq). The next page is read while
 * the caller works on this one: applying a 100,000-change plan on PostgreSQL otherwise waited about a second
 * for these reads between its batches. On SQLite the read waits for the connection, as before. A short page is
 * the last, so no empty read follows it.
 */
export async function* planChanges(db: Db, planId: string, pageSize = 1000): AsyncGenerator<Change[]> {
  const read = (after: { sortKey: string; seq: number } | null) => {
    let query = db.selectFrom('plan_change').select(['sort_key', 'seq', 'change']).where('plan_id', '=', planId);
    if (after) {
      const { sortKey, seq } = after;
      // A row-value comparison starts an index range; with the equivalent OR, SQLite and PostgreSQL both searched on plan_id alone and
      // filtered from the plan's first row on every page (quadratic: a 1,000,000-member apply took 151 s instead of 83 s).
      query = query.where((eb) => eb(eb.refTuple('sort_key', 'seq'), '>', eb.tuple(sortKey, seq)));
    }
    // Parsed as soon as the rows arrive: on PostgreSQL that is while the caller's batch runs in the server.
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
    // A caller that stops early (an interrupted apply) leaves one read in flight: its failure is nobody's to report.
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

/**
 * An admin's refusal of a plan waiting for approval: it becomes `rejected` and is never applied. Only a pending plan
 * is rejected, with the status in the WHERE (as `supersedePendingPlans` does), so an approval, a rejection or a later
 * cycle racing this one keeps its own decision. True when this call decided it.
 */
export async function rejectPlan(db: Db, id: string, decided: { at: string; by: string }): Promise<boolean> {
  const result = await db
    .updateTable('plan')
    .set({ status: 'rejected', decided_at: decided.at, decided_by: decided.by })
    .where('id', '=', id)
    .where('status', '=', 'pending')
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

/** The binding's plan waiting for an admin, if any (the newest). */
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
 * Decide the binding's pending plans, other than `keep`, as stale: a later cycle superseded them (it applied, which
 * moved the basis they were computed from, or it was refused and is the one waiting now). Each gets a warning that
 * says by what. Without this an older pending plan would wait for approval forever and hold back every scheduled
 * cycle. Returns their ids.
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
    // The status in the WHERE too: an admin's approval racing this one keeps its own decision.
    await db
      .updateTable('plan')
      .set({ status: 'stale', decided_at: decided.at, decided_by: decided.by, warnings: JSON.stringify(warnings) })
      .where('id', '=', row.id)
      .where('status', '=', 'pending')
      .execute();
  }
  return rows.map((r) => r.id);
}

/**
 * Keep a binding's newest `keep` plans and every pending one; older plans and their changes go. A daemon
 * that runs every minute would otherwise keep every dry run and cycle forever.
 */
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
