import type { Kysely } from 'kysely';
import type { Database } from './database.js';

type Db = Kysely<Database>;

export interface LeaseClaim {
  /** What the lease guards, e.g. `pull:acme/entra`. */
  name: string;
  /** Who asks: one id per running process. */
  holder: string;
  /** Epoch milliseconds by the claimant's clock; the lease is free when its expiry is at or before this. */
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
 * Take the lease when it is free or expired, or renew it when `holder` already has it; true when the caller
 * holds it afterwards. One statement, so two instances racing for the same lease cannot both win: PostgreSQL
 * serialises the conflicting inserts on the primary key and re-checks the WHERE against the committed row, and
 * SQLite has one writer. The upsert's WHERE leaves someone else's unexpired lease untouched, and RETURNING then
 * returns no row (SQLite 3.35+ and PostgreSQL agree on both).
 *
 * Expiry compares the claimant's clock with the one that wrote the lease, so instances need clocks in step to
 * well under the TTL (NTP gives milliseconds; the TTL is a minute).
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
          // A renewal keeps the time the holder first took the lease; a takeover starts a new one.
          acquired_at: eb.case().when('lease.holder', '=', eb.ref('excluded.holder')).then(eb.ref('lease.acquired_at')).else(eb.ref('excluded.acquired_at')).end(),
        }))
        .where((eb) => eb.or([eb('lease.expires_at', '<=', claim.now), eb('lease.holder', '=', eb.ref('excluded.holder'))])),
    )
    .returning('holder')
    .executeTakeFirst();
  return row?.holder === claim.holder;
}

/**
 * Inside a write transaction: whether `holder` still holds the unexpired lease. It also locks the lease row until
 * the transaction ends, which is the fence: another instance's claim (an upsert of the same row) waits for this
 * transaction, so what commits under a lease can never interleave with the next holder's cycle, even when this
 * process stalled past the expiry (a long GC pause, a frozen VM) before its heartbeat could notice.
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

/** Give the lease up so another instance need not wait for it to expire; only its holder can. */
export async function releaseLease(db: Db, name: string, holder: string): Promise<boolean> {
  const result = await db.deleteFrom('lease').where('name', '=', name).where('holder', '=', holder).executeTakeFirst();
  return Number(result.numDeletedRows) > 0;
}

export async function findLease(db: Db, name: string): Promise<LeaseRecord | undefined> {
  const row = await db.selectFrom('lease').selectAll().where('name', '=', name).executeTakeFirst();
  return row && { name: row.name, holder: row.holder, expiresAt: Number(row.expires_at), acquiredAt: row.acquired_at };
}
