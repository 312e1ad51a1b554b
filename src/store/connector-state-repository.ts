import type { Kysely } from 'kysely';
import type { Database } from './database.js';

type Db = Kysely<Database>;

export interface ConnectorState {
  cursor: string | null;
  lastGoodAt: string | null;
  lastFullAt: string | null;
  /** Why the next cycle must read everything. */
  fullDue: string | null;
  /** Of the settings last compared under; null before a first cycle. */
  settingsHash: string | null;
}

export async function readConnectorState(db: Db, workspaceId: string, binding: string): Promise<ConnectorState> {
  const row = await db
    .selectFrom('connector_state')
    .select(['cursor', 'last_good_at', 'last_full_at', 'full_due', 'settings_hash'])
    .where('workspace_id', '=', workspaceId)
    .where('binding', '=', binding)
    .executeTakeFirst();
  return { cursor: row?.cursor ?? null, lastGoodAt: row?.last_good_at ?? null, lastFullAt: row?.last_full_at ?? null, fullDue: row?.full_due ?? null, settingsHash: row?.settings_hash ?? null };
}

/** A full cycle also clears `full_due` and stores `settingsHash`; an undefined `cursor` is kept. */
export async function recordGoodCycle(db: Db, workspaceId: string, binding: string, at: string, cursor?: string | null, full?: { settingsHash: string }): Promise<void> {
  await db
    .insertInto('connector_state')
    .values({ workspace_id: workspaceId, binding, cursor: cursor ?? null, last_good_at: at, updated_at: at, last_full_at: full ? at : null, full_due: null, settings_hash: full?.settingsHash ?? null })
    .onConflict((oc) =>
      oc.columns(['workspace_id', 'binding']).doUpdateSet((eb) => ({
        last_good_at: eb.ref('excluded.last_good_at'),
        updated_at: eb.ref('excluded.updated_at'),
        ...(cursor !== undefined ? { cursor: eb.ref('excluded.cursor') } : {}),
        ...(full ? { last_full_at: eb.ref('excluded.last_full_at'), full_due: null, settings_hash: eb.ref('excluded.settings_hash') } : {}),
      })),
    )
    .execute();
}

export async function markFullDue(db: Db, workspaceId: string, binding: string, reason: string, at: string): Promise<void> {
  await db
    .insertInto('connector_state')
    .values({ workspace_id: workspaceId, binding, cursor: null, last_good_at: null, updated_at: at, last_full_at: null, full_due: reason, settings_hash: null })
    .onConflict((oc) => oc.columns(['workspace_id', 'binding']).doUpdateSet({ full_due: reason, updated_at: at }))
    .execute();
}

/** The IdP rejected the cursor: the next cycle reads everything. */
export async function clearCursor(db: Db, workspaceId: string, binding: string, at: string): Promise<void> {
  await db.updateTable('connector_state').set({ cursor: null, updated_at: at }).where('workspace_id', '=', workspaceId).where('binding', '=', binding).execute();
}
