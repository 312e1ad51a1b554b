import { describe, expect, it } from 'vitest';
import { entraPullSuite } from '../../support/entra-pull-suite.js';
import { DIALECTS, type TestDialect } from '../../support/test-store.js';

/**
 * An apply cut off between batches (SIGTERM, a lost lease) leaves each change applied or not, never half, and
 * the next cycle converges: the store then holds exactly what the IdP says.
 */

describe.each(DIALECTS)('interrupted apply on %s', (dialect: TestDialect) => {
  const pull = entraPullSuite(dialect, { request: { mode: 'auto', dryRun: false, trigger: 'schedule' }, applyBatchSize: 500, createWorkspace: true });
  const { h, run, memberCount: count } = pull;

  it('stops between batches, keeps what committed, and the next cycle converges', async () => {
    for (let i = 0; i < 700; i++) {
      h.addUser({ id: `u-${i}`, userName: `user${i}@acme.test`, email: `user${i}@acme.test` });
      h.assignUser(`u-${i}`, 'viewer');
    }
    const stop = new AbortController();
    const cut = await run({ signal: stop.signal, onProgress: (p) => p.phase === 'apply' && p.applied > 0 && stop.abort() });
    expect(cut).toMatchObject({ result: 'aborted' });
    // One batch of 500 committed whole; the rest did not start.
    expect(await count()).toBe(500);

    const next = await run({});
    expect(next).toMatchObject({ result: 'applied' });
    expect(next.summary.create).toBe(200);
    expect(await count()).toBe(700);
    expect((await run({ mode: 'full', dryRun: true })).result).toBe('no_changes');
  });
});
