import type { Kysely } from 'kysely';
import type { Database } from './database.js';

type Db = Kysely<Database>;

/** Where a binding's next incremental read starts, and when its last good cycle ended (the lag a vendor promises). */
export interface ConnectorState {
  cursor: string | null;
  lastGoodAt: string | null;
}

export async function readConnectorState(db: Db, workspaceId: string, binding: string): Promise<ConnectorState> {
  const row = await db.selectFrom('connector_state').select(['cursor', 'last_good_at']).where('workspace_id', '=', workspaceId).where('binding', '=', binding).executeTakeFirst();
  return { cursor: row?.cursor ?? null, lastGoodAt: row?.last_good_at ?? null };
}

/** Record a good cycle: its end time, and the cursor to continue from (unchanged when `cursor` is undefined). */
export async function recordGoodCycle(db: Db, workspaceId: string, binding: string, at: string, cursor?: string | null): Promise<void> {
  await db
    .insertInto('connector_state')
    .values({ workspace_id: workspaceId, binding, cursor: cursor ?? null, last_good_at: at, updated_at: at })
    .onConflict((oc) =>
      oc.columns(['workspace_id', 'binding']).doUpdateSet((eb) => ({
        last_good_at: eb.ref('excluded.last_good_at'),
        updated_at: eb.ref('excluded.updated_at'),
        ...(cursor !== undefined ? { cursor: eb.ref('excluded.cursor') } : {}),
      })),
    )
    .execute();
}

/** Forget the cursor (the IdP said it is no longer valid): the next cycle reads everything. */
export async function clearCursor(db: Db, workspaceId: string, binding: string, at: string): Promise<void> {
  await db.updateTable('connector_state').set({ cursor: null, updated_at: at }).where('workspace_id', '=', workspaceId).where('binding', '=', binding).execute();
}
