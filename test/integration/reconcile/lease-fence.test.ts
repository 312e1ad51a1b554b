import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import type { LeaseFence } from '../../../src/reconcile/reconcile-request.js';
import { claimLease, confirmLease } from '../../../src/store/lease-repository.js';
import { entraPullSuite } from '../../support/entra-pull-suite.js';
import { DIALECTS, type TestDialect } from '../../support/test-store.js';

/**
 * A scheduled cycle applies under its binding's lease, and each apply batch confirms the lease in its own
 * transaction. An instance that stalled past the expiry (a long GC pause, a frozen VM) while another took the
 * schedule over stops at its next batch, rolled back, instead of writing beside the new holder.
 */
const LEASE = 'pull:acme/entra';
const TTL = 60_000;

describe.each(DIALECTS)('an apply fenced by the schedule lease on %s', (dialect: TestDialect) => {
  const pull = entraPullSuite(dialect, { request: { mode: 'auto', dryRun: false, trigger: 'schedule' }, applyBatchSize: 500, createWorkspace: true });
  const { h, run, memberCount: count } = pull;
  const fenceFor = (holder: string): LeaseFence => (trx) => confirmLease(trx, LEASE, holder, Date.now());

  it('stops at the first batch after the lease passed to another instance, and that instance converges', async () => {
    for (let i = 0; i < 1200; i++) {
      h.addUser({ id: `u-${i}`, userName: `user${i}@acme.test`, email: `user${i}@acme.test` });
      h.assignUser(`u-${i}`, 'viewer');
    }
    expect(await claimLease(pull.db.store.db, { name: LEASE, holder: 'a', now: Date.now(), ttlMs: TTL })).toBe(true);
    let takenOver: Promise<unknown> | undefined;
    const stalled = await run({
      fence: fenceFor('a'),
      // After a's first batch, its lease expires unnoticed and b claims it.
      onProgress: (p) => {
        if (p.phase === 'apply' && p.applied > 0 && !takenOver) {
          takenOver = sql`update lease set expires_at = 0 where name = ${LEASE}`
            .execute(pull.db.store.db)
            .then(() => claimLease(pull.db.store.db, { name: LEASE, holder: 'b', now: Date.now(), ttlMs: TTL }));
        }
      },
    });
    expect(await takenOver).toBe(true);
    expect(stalled).toMatchObject({ result: 'aborted' });
    // Whatever a committed before the takeover stays whole (batches of 500); nothing after it.
    const kept = await count();
    expect(kept % 500).toBe(0);
    expect(kept).toBeLessThan(1200);

    const next = await run({ fence: fenceFor('b') });
    expect(next).toMatchObject({ result: 'applied' });
    expect(await count()).toBe(1200);
    expect((await run({ mode: 'full', dryRun: true })).result).toBe('no_changes');
  });

  it('applies nothing when the lease is already gone at the first batch', async () => {
    for (let i = 0; i < 10; i++) {
      h.addUser({ id: `u-${i}`, userName: `user${i}@acme.test`, email: `user${i}@acme.test` });
      h.assignUser(`u-${i}`, 'viewer');
    }
    expect(await claimLease(pull.db.store.db, { name: LEASE, holder: 'b', now: Date.now(), ttlMs: TTL })).toBe(true);
    expect(await run({ fence: fenceFor('a') })).toMatchObject({ result: 'aborted' });
    expect(await count()).toBe(0);
  });
});
