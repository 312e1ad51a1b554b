import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { createWorkspace } from '../../../src/admin/create-workspace.js';
import type { ConnectorLogger } from '../../../src/connector/connector.js';
import type { ReconcileRequest } from '../../../src/reconcile/reconcile-request.js';
import { reconcile } from '../../../src/reconcile/reconciler.js';
import { entraHarness } from '../../contract/entra-harness.js';
import { DIALECTS, openTestStore, type TestDialect, type TestStore } from '../../support/test-store.js';

/**
 * An apply cut off between batches (SIGTERM, a lost lease) leaves each change applied or not, never half, and
 * the next cycle converges: the store then holds exactly what the IdP says.
 */
const quiet: ConnectorLogger = { debug() {}, info() {}, warn() {}, error() {} };
const h = entraHarness();

describe.each(DIALECTS)('interrupted apply on %s', (dialect: TestDialect) => {
  let db: TestStore;
  beforeAll(() => h.start());
  afterAll(() => h.stop());
  beforeEach(async () => {
    h.reset();
    db = await openTestStore(dialect);
    await createWorkspace(db.store.db, { id: 'acme', version: 'v2', now: new Date().toISOString() });
  });
  afterEach(() => db.cleanup());

  const run = (request: Partial<ReconcileRequest>) =>
    reconcile(
      { store: db.store, config: { connectors: [{ workspace: 'acme', kind: 'entra', schedule: '* * * * *', settings: {} }] }, log: quiet, clock: () => new Date(), connectorFor: async () => h.connector(), applyBatchSize: 500 },
      { workspaceId: 'acme', mode: 'auto', dryRun: false, trigger: 'schedule', ...request },
    );
  const count = async () => Number((await sql<{ n: number }>`select count(*) as n from membership where workspace_id = 'acme'`.execute(db.store.db)).rows[0]!.n);

  it('stops between batches, keeps what committed, and the next cycle converges', async () => {
    for (let i = 0; i < 700; i++) {
      h.addUser({ id: `u-${i}`, userName: `user${i}@acme.test`, email: `user${i}@acme.test` });
      h.assignUser(`u-${i}`, 'viewer');
    }
    const stop = new AbortController();
    const cut = await run({ signal: stop.signal, onProgress: (p) => p.phase === 'apply' && p.applied > 0 && stop.abort() });
    expect(cut).toMatchObject({ result: 'failed', exitCode: 1, error: 'interrupted' });
    // One batch of 500 committed whole; the rest did not start.
    expect(await count()).toBe(500);

    const next = await run({});
    expect(next).toMatchObject({ result: 'applied', exitCode: 0 });
    expect(next.summary.create).toBe(200);
    expect(await count()).toBe(700);
    expect((await run({ mode: 'full', dryRun: true })).result).toBe('no_changes');
  });
});
