import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Change } from '../../../src/model/plan.js';
import { PlanWriter } from '../../../src/reconcile/plan-writer.js';
import { planChanges } from '../../../src/store/plan-repository.js';
import { pulledIds, type PulledWrite } from '../../../src/store/pulled-member-repository.js';
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

  const record = (n: number): PulledWrite => ({ externalId: `u${n}`, statement: { snapshot: `{"n":${n}}`, hash: `h${n}` }, drift: null, settledVersion: null, replace: false });
  const recordsOf = async (workspaceId: string): Promise<string[]> => {
    const ids: string[] = [];
    for await (const page of pulledIds(db.store.db, workspaceId, 'entra')) ids.push(...page);
    return ids;
  };

  it("writes the plan's changes and the binding's records side by side, each in order", async () => {
    const writer = new PlanWriter(db.store.db, 'p1', { workspaceId: 'acme', binding: 'entra', now: new Date().toISOString() });
    for (let page = 0; page < 4; page++) {
      const numbers = Array.from({ length: 250 }, (_, i) => page * 250 + i);
      await writer.write(numbers.map((n) => change(n)));
      await writer.record({ records: numbers.map(record), forget: page === 3 ? ['u0', 'u1'] : [], confirms: [] });
    }
    await writer.flush();
    expect(writer.count).toBe(1000);
    // The last page forgot two users that an earlier page recorded: the lane kept its writes in order.
    expect((await recordsOf('acme')).length).toBe(998);
  });

  it("throws a failed record write at flush once the plan's changes are written too", async () => {
    // No such workspace: the records break their foreign key, while the plan rows go to a plan that exists.
    const writer = new PlanWriter(db.store.db, 'p1', { workspaceId: 'nowhere', binding: 'entra', now: new Date().toISOString() });
    await writer.record({ records: [record(1)], forget: [], confirms: [] });
    await writer.write([change(1), change(2)]);
    await expect(writer.flush()).rejects.toThrow();
    const read: string[] = [];
    for await (const page of planChanges(db.store.db, 'p1')) read.push(...page.map((c) => c.targetId));
    expect(read).toEqual(['m1', 'm2']);
    expect(await recordsOf('nowhere')).toEqual([]);
  });

  it('throws a failed insert at the next write or at flush, never as an unhandled rejection', async () => {
    const writer = new PlanWriter(db.store.db, 'no-such-plan');
    // The plan row is missing, so the insert breaks its foreign key, after write() has returned.
    await writer.write([change(1)]);
    await expect(writer.flush()).rejects.toThrow();
    await expect(writer.write([change(2)])).rejects.toThrow();
  });
});
