import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Change } from '../../../src/model/plan.js';
import { PlanWriter } from '../../../src/reconcile/plan-writer.js';
import { planChanges } from '../../../src/store/plan-repository.js';
import { workspaceWithEmptyPlan } from '../../support/empty-plan.js';
import { DIALECTS, openTestStore, type TestDialect, type TestStore } from '../../support/test-store.js';

/** The plan writer returns before its insert is done; every change still lands, in order, and a failure is not lost. */
describe.each(DIALECTS)('PlanWriter on %s', (dialect: TestDialect) => {
  let db: TestStore;
  beforeEach(async () => {
    db = await openTestStore(dialect);
    await workspaceWithEmptyPlan(db.store.db, 'p1');
  });
  afterEach(() => db.cleanup());

  const change = (n: number, action: Change['action'] = 'skip'): Change => ({ action, kind: 'member', key: `user${String(n).padStart(4, '0')}`, targetId: `m${n}`, before: null, after: null, reason: 'test' });

  it('writes every page, counts it at once, and holds at most one insert in flight', async () => {
    const writer = new PlanWriter(db.store.db, 'p1');
    for (let page = 0; page < 5; page++) {
      await writer.write(Array.from({ length: 300 }, (_, i) => change(page * 300 + i, i % 100 === 0 ? 'deactivate' : 'skip')));
      // Counted before its insert finished; the previous page's insert has finished.
      expect(writer.count).toBe((page + 1) * 300);
    }
    await writer.flush();
    expect(writer.summary.deactivate).toBe(15);
    expect(writer.deletions).toBe(15);
    const read: string[] = [];
    for await (const page of planChanges(db.store.db, 'p1')) read.push(...page.map((c) => c.targetId));
    // In the plan's stable order: the deactivations, then the skips, each by key.
    const ids = Array.from({ length: 1500 }, (_, n) => n);
    expect(read).toEqual([...ids.filter((n) => n % 100 === 0), ...ids.filter((n) => n % 100 !== 0)].map((n) => `m${n}`));
  });

  it('throws a failed insert at the next write or at flush, never as an unhandled rejection', async () => {
    const writer = new PlanWriter(db.store.db, 'no-such-plan');
    // The plan row is missing, so the insert breaks its foreign key, after write() has returned.
    await writer.write([change(1)]);
    await expect(writer.flush()).rejects.toThrow();
    await expect(writer.write([change(2)])).rejects.toThrow();
  });
});
