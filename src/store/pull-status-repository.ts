import type { Kysely } from 'kysely';
import type { Database } from './database.js';

type Db = Kysely<Database>;

/** Read-only views of the pull side's state that operators watch (the daemon's /metrics reads them at scrape time). */

/** Plans over a deletion budget, waiting for an admin's approval, per workspace (workspaces with none are absent). */
export async function countPendingPlans(db: Db): Promise<{ workspaceId: string; pending: number }[]> {
  const rows = await db
    .selectFrom('plan')
    .select(['workspace_id', (eb) => eb.fn.countAll<number | string>().as('pending')])
    .where('status', '=', 'pending')
    .groupBy('workspace_id')
    .execute();
  return rows.map((row) => ({ workspaceId: row.workspace_id, pending: Number(row.pending) }));
}

/** When each binding last finished a good cycle (bindings that never had one are absent). */
export async function lastGoodCycles(db: Db): Promise<{ workspaceId: string; binding: string; lastGoodAt: string }[]> {
  const rows = await db
    .selectFrom('connector_state')
    .select(['workspace_id', 'binding', 'last_good_at'])
    .where('last_good_at', 'is not', null)
    .execute();
  return rows.flatMap((row) => (row.last_good_at === null ? [] : [{ workspaceId: row.workspace_id, binding: row.binding, lastGoodAt: row.last_good_at }]));
}
