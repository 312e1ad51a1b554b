import type { Kysely } from 'kysely';
import type { Database } from './database.js';

type Db = Kysely<Database>;

export interface LeaseClaim {
  /** e.g. `pull:acme/entra`. */
  name: string;
  /** One per process. */
  holder: string;
  /** Epoch ms, claimant's clock. */
  now: number;
  ttlMs: number;
}

export interface LeaseRecord {
  name: string;
  holder: string;
  expiresAt: number;
  acquiredAt: string;
}

/**
 * Take a free or expired lease, or renew ours. One upsert, so racing instances cannot both win (PostgreSQL re-checks
 * the WHERE; SQLite has one writer). Clocks must agree to well under the TTL.
 */
export async function claimLease(db: Db, claim: LeaseClaim): Promise<boolean> {
  const row = await db
    .insertInto('lease')
    .values({ name: claim.name, holder: claim.holder, expires_at: claim.now + claim.ttlMs, acquired_at: new Date(claim.now).toISOString() })
    .onConflict((conflict) =>
      conflict
        .column('name')
        .doUpdateSet((eb) => ({
          holder: eb.ref('excluded.holder'),
          expires_at: eb.ref('excluded.expires_at'),
          // A renewal keeps the first acquisition time.
          acquired_at: eb.case().when('lease.holder', '=', eb.ref('excluded.holder')).then(eb.ref('lease.acquired_at')).else(eb.ref('excluded.acquired_at')).end(),
        }))
        .where((eb) => eb.or([eb('lease.expires_at', '<=', claim.now), eb('lease.holder', '=', eb.ref('excluded.holder'))])),
    )
    .returning('holder')
    .executeTakeFirst();
  return row?.holder === claim.holder;
}

/**
 * In a write transaction. The row stays locked until commit, so the next holder's claim waits even if we stalled past
 * expiry.
 */
export async function confirmLease(trx: Db, name: string, holder: string, now: number): Promise<boolean> {
  const row = await trx
    .updateTable('lease')
    .set((eb) => ({ holder: eb.ref('holder') }))
    .where('name', '=', name)
    .where('holder', '=', holder)
    .where('expires_at', '>', now)
    .returning('holder')
    .executeTakeFirst();
  return row !== undefined;
}

/** Only its holder can. */
export async function releaseLease(db: Db, name: string, holder: string): Promise<boolean> {
  const result = await db.deleteFrom('lease').where('name', '=', name).where('holder', '=', holder).executeTakeFirst();
  return Number(result.numDeletedRows) > 0;
}

export async function findLease(db: Db, name: string): Promise<LeaseRecord | undefined> {
  const row = await db.selectFrom('lease').selectAll().where('name', '=', name).executeTakeFirst();
  return row && { name: row.name, holder: row.holder, expiresAt: Number(row.expires_at), acquiredAt: row.acquired_at };
}
