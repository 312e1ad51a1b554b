import { sql } from 'kysely';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createWorkspace } from '../../../src/admin/create-workspace.js';
import type { ConnectorLogger } from '../../../src/connector/connector.js';
import type { LeaseFence, ReconcileRequest } from '../../../src/reconcile/reconcile-request.js';
import { reconcile } from '../../../src/reconcile/reconciler.js';
import { claimLease, confirmLease } from '../../../src/store/lease-repository.js';
import { entraHarness } from '../../contract/entra-harness.js';
import { DIALECTS, openTestStore, type TestDialect, type TestStore } from '../../support/test-store.js';

/**
 * A scheduled cycle applies under its binding's lease, and each apply batch confirms the lease in its own
 * transaction. An instance that stalled past the expiry (a long GC pause, a frozen VM) while another took the
 * schedule over stops at its next batch, rolled back, instead of writing beside the new holder.
 */
const quiet: ConnectorLogger = { debug() {}, info() {}, warn() {}, error() {} };
const h = entraHarness();
const LEASE = 'pull:acme/entra';
const TTL = 60_000;

describe.each(DIALECTS)('an apply fenced by the schedule lease on %s', (dialect: TestDialect) => {
  let db: TestStore;
  beforeAll(() => h.start());
  afterAll(() => h.stop());
  beforeEach(async () => {
    h.reset();
    db = await openTestStore(dialect);
    await createWorkspace(db.store.db, { id: 'acme', version: 'v2', now: new Date().toISOString() });
  });
  afterEach(() => db.cleanup());

  const fenceFor = (holder: string): LeaseFence => (trx) => confirmLease(trx, LEASE, holder, Date.now());
  const run = (request: Partial<ReconcileRequest>) =>
    reconcile(
      { store: db.store, config: { connectors: [{ workspace: 'acme', kind: 'entra', schedule: '* * * * *', settings: {} }] }, log: quiet, clock: () => new Date(), connectorFor: async () => h.connector(), applyBatchSize: 500 },
      { workspaceId: 'acme', mode: 'auto', dryRun: false, trigger: 'schedule', ...request },
    );
  const count = async () => Number((await sql<{ n: number }>`select count(*) as n from membership where workspace_id = 'acme'`.execute(db.store.db)).rows[0]!.n);

  it('stops at the first batch after the lease passed to another instance, and that instance converges', async () => {
    for (let i = 0; i < 1200; i++) {
      h.addUser({ id: `u-${i}`, userName: `user${i}@acme.test`, email: `user${i}@acme.test` });
      h.assignUser(`u-${i}`, 'viewer');
    }
    expect(await claimLease(db.store.db, { name: LEASE, holder: 'a', now: Date.now(), ttlMs: TTL })).toBe(true);
    let takenOver: Promise<unknown> | undefined;
    const stalled = await run({
      fence: fenceFor('a'),
      // After a's first batch, its lease expires unnoticed and b claims it.
      onProgress: (p) => {
        if (p.phase === 'apply' && p.applied > 0 && !takenOver) {
          takenOver = sql`update lease set expires_at = 0 where name = ${LEASE}`
            .execute(db.store.db)
            .then(() => claimLease(db.store.db, { name: LEASE, holder: 'b', now: Date.now(), ttlMs: TTL }));
        }
      },
    });
    expect(await takenOver).toBe(true);
    expect(stalled).toMatchObject({ result: 'failed', exitCode: 1, error: 'interrupted' });
    // Whatever a committed before the takeover stays whole (batches of 500); nothing after it.
    const kept = await count();
    expect(kept % 500).toBe(0);
    expect(kept).toBeLessThan(1200);

    const next = await run({ fence: fenceFor('b') });
    expect(next).toMatchObject({ result: 'applied', exitCode: 0 });
    expect(await count()).toBe(1200);
    expect((await run({ mode: 'full', dryRun: true })).result).toBe('no_changes');
  });

  it('applies nothing when the lease is already gone at the first batch', async () => {
    for (let i = 0; i < 10; i++) {
      h.addUser({ id: `u-${i}`, userName: `user${i}@acme.test`, email: `user${i}@acme.test` });
      h.assignUser(`u-${i}`, 'viewer');
    }
    expect(await claimLease(db.store.db, { name: LEASE, holder: 'b', now: Date.now(), ttlMs: TTL })).toBe(true);
    expect(await run({ fence: fenceFor('a') })).toMatchObject({ result: 'failed', error: 'interrupted' });
    expect(await count()).toBe(0);
  });
});
