import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { sql } from 'kysely';
import { createDb } from '../../../src/store/create-db.js';
import type { Store } from '../../../src/store/store.js';
import { claimLease, confirmLease, findLease, releaseLease } from '../../../src/store/lease-repository.js';
import { heartbeatInterval, holdLease } from '../../../src/daemon/lease.js';
import { DIALECTS, openTestStore, TEST_POSTGRES_URL, type TestStore } from '../../support/test-store.js';
import { advanceUntil, useFakeTime } from './fake-time.js';

const TTL = 60_000;
const T0 = 1_800_000_000_000;

describe.each(DIALECTS)('schedule leases on %s', (dialect) => {
  let db: TestStore;
  const claim = (name: string, holder: string, now: number) => claimLease(db.store.db, { name, holder, now, ttlMs: TTL });

  beforeAll(async () => {
    db = await openTestStore(dialect);
  });
  afterAll(() => db.cleanup());
  afterEach(() => {
    vi.useRealTimers();
  });

  it('gives a free lease to the first holder and refuses everyone else while it is unexpired', async () => {
    expect(await claim('one', 'a', T0)).toBe(true);
    expect(await claim('one', 'b', T0 + 1)).toBe(false);
    expect(await claim('one', 'b', T0 + TTL - 1)).toBe(false);
    expect(await findLease(db.store.db, 'one')).toEqual({ name: 'one', holder: 'a', expiresAt: T0 + TTL, acquiredAt: new Date(T0).toISOString() });
  });

  it('lets the holder renew, which moves the expiry but keeps when it was first acquired', async () => {
    expect(await claim('renew', 'a', T0)).toBe(true);
    expect(await claim('renew', 'a', T0 + 20_000)).toBe(true);
    expect(await findLease(db.store.db, 'renew')).toMatchObject({ holder: 'a', expiresAt: T0 + 20_000 + TTL, acquiredAt: new Date(T0).toISOString() });
    // The renewal counts: at the first expiry someone else is still refused.
    expect(await claim('renew', 'b', T0 + TTL)).toBe(false);
  });

  it('hands an expired lease to the next claimant', async () => {
    expect(await claim('expire', 'a', T0)).toBe(true);
    expect(await claim('expire', 'b', T0 + TTL)).toBe(true);
    expect(await findLease(db.store.db, 'expire')).toEqual({ name: 'expire', holder: 'b', expiresAt: T0 + 2 * TTL, acquiredAt: new Date(T0 + TTL).toISOString() });
    // And the old holder cannot take it back by renewing.
    expect(await claim('expire', 'a', T0 + TTL + 1)).toBe(false);
  });

  it('confirms, inside a transaction, only an unexpired lease of the same holder', async () => {
    expect(await claim('fence', 'a', T0)).toBe(true);
    const confirm = (holder: string, now: number) => db.store.writeTransaction((trx) => confirmLease(trx, 'fence', holder, now));
    expect(await confirm('a', T0 + TTL - 1)).toBe(true);
    expect(await confirm('a', T0 + TTL)).toBe(false);
    expect(await confirm('b', T0 + 1)).toBe(false);
    expect(await claim('fence', 'b', T0 + TTL)).toBe(true);
    expect(await confirm('a', T0 + TTL + 1)).toBe(false);
    expect(await confirm('b', T0 + TTL + 1)).toBe(true);
    // Confirming changes nothing about the lease.
    expect(await findLease(db.store.db, 'fence')).toEqual({ name: 'fence', holder: 'b', expiresAt: T0 + 2 * TTL, acquiredAt: new Date(T0 + TTL).toISOString() });
  });

  it('is released only by its holder', async () => {
    expect(await claim('release', 'a', T0)).toBe(true);
    expect(await releaseLease(db.store.db, 'release', 'b')).toBe(false);
    expect((await findLease(db.store.db, 'release'))?.holder).toBe('a');
    expect(await releaseLease(db.store.db, 'release', 'a')).toBe(true);
    expect(await findLease(db.store.db, 'release')).toBeUndefined();
    expect(await claim('release', 'b', T0 + 1)).toBe(true);
  });

  it('keeps leases of different names apart', async () => {
    expect(await claim('pull:w/entra', 'a', T0)).toBe(true);
    expect(await claim('pull:w/okta', 'b', T0)).toBe(true);
  });

  it('renews a held lease in the background and aborts its signal when another holder has it', async () => {
    useFakeTime();
    const held = (await holdLease({ db: db.store.db, name: 'held', holder: 'a', ttlMs: TTL }))!;
    expect(held).not.toBeNull();
    expect(await holdLease({ db: db.store.db, name: 'held', holder: 'b', ttlMs: TTL })).toBeNull();
    // Renewals keep it: three TTLs later it is still a's, renewed all along.
    const firstExpiry = (await findLease(db.store.db, 'held'))!.expiresAt;
    // One holder only, so a step may be a whole heartbeat: no renewal in flight can lose the lease to anyone.
    const beat = { stepMs: heartbeatInterval(TTL) };
    await advanceUntil('three TTLs of renewals', async () => (await findLease(db.store.db, 'held'))!.expiresAt > firstExpiry + 3 * TTL, beat);
    expect(held.signal.aborted).toBe(false);
    expect(await findLease(db.store.db, 'held')).toMatchObject({ holder: 'a' });
    // Someone takes it over (as after a long pause of a's process); a's next renewal notices and aborts.
    await db.store.db.updateTable('lease').set({ holder: 'b', expires_at: Date.now() + TTL }).where('name', '=', 'held').execute();
    await advanceUntil('the abort', () => held.signal.aborted);
    expect(String(held.signal.reason)).toMatch(/lease held lost: another instance holds it/);
    // Releasing a lost lease leaves the new holder's alone.
    await held.release();
    expect((await findLease(db.store.db, 'held'))?.holder).toBe('b');
  });

  it('stops renewing on stopHeartbeat and lets the lease expire; release deletes it at once', async () => {
    useFakeTime();
    const first = (await holdLease({ db: db.store.db, name: 'quiet', holder: 'a', ttlMs: TTL }))!;
    const expiry = (await findLease(db.store.db, 'quiet'))!.expiresAt;
    first.stopHeartbeat();
    // A TTL later nothing has renewed it: it still ends where it did, and another holder can take it.
    await vi.advanceTimersByTimeAsync(TTL);
    expect((await findLease(db.store.db, 'quiet'))!.expiresAt).toBe(expiry);
    const second = (await holdLease({ db: db.store.db, name: 'quiet', holder: 'b', ttlMs: TTL }))!;
    expect(second).not.toBeNull();
    expect(first.signal.aborted).toBe(false);
    await second.release();
    expect(await findLease(db.store.db, 'quiet')).toBeUndefined();
  });
});

describe('concurrent claims on one PostgreSQL database', () => {
  let db: TestStore;
  const others: Store[] = [];

  beforeAll(async () => {
    db = await openTestStore('postgres');
    // Separate pools on the same schema: each plays one instance of rosterd.
    for (let i = 0; i < 4; i++) others.push(await createDb(TEST_POSTGRES_URL, { schema: db.schema!, poolSize: 4 }));
  });
  afterAll(async () => {
    await Promise.all(others.map((store) => store.close()));
    await db.cleanup();
  });

  it('lets exactly one of many simultaneous claimants win, for a fresh lease and for an expired one', async () => {
    for (let round = 0; round < 10; round++) {
      const name = `race-${round}`;
      if (round % 2) await claimLease(db.store.db, { name, holder: 'old', now: T0 - 2 * TTL, ttlMs: TTL });
      const claims = others.flatMap((store, i) => [0, 1].map((j) => claimLease(store.db, { name, holder: `h${i}.${j}`, now: T0, ttlMs: TTL })));
      const won = await Promise.all(claims);
      expect(won.filter(Boolean)).toHaveLength(1);
      const winner = `h${Math.floor(won.indexOf(true) / 2)}.${won.indexOf(true) % 2}`;
      expect((await findLease(db.store.db, name))?.holder).toBe(winner);
    }
  });

  it('holds off a takeover until the transaction that confirmed the lease has committed (the fence)', async () => {
    const name = 'fenced';
    expect(await claimLease(db.store.db, { name, holder: 'a', now: T0, ttlMs: TTL })).toBe(true);
    let takeover: Promise<boolean> | undefined;
    await db.store.db.transaction().execute(async (trx) => {
      expect(await confirmLease(trx, name, 'a', T0 + TTL - 1)).toBe(true);
      // The lease expires meanwhile (a stalled holder), and another instance claims it: that claim must wait.
      takeover = claimLease(others[0]!.db, { name, holder: 'b', now: T0 + TTL, ttlMs: TTL });
      const waitingForLock = async () => {
        const { rows } = await sql<{ n: number }>`select count(*)::int as n from pg_stat_activity where datname = current_database() and wait_event_type = 'Lock' and query like 'insert into "lease"%'`.execute(trx);
        return rows[0]!.n > 0;
      };
      // Asks again at once until PostgreSQL shows the claim waiting on the lease row's lock.
      while (!(await waitingForLock())) continue;
      expect((await findLease(trx, name))?.holder).toBe('a');
    });
    expect(await takeover).toBe(true);
    expect((await findLease(db.store.db, name))?.holder).toBe('b');
  });
});

