import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Change } from '../../../src/model/plan.js';
import { appendPlanChanges, planChanges } from '../../../src/store/plan-repository.js';
import { workspaceWithEmptyPlan } from '../../support/empty-plan.js';
import { StatementCounter } from '../../support/statement-counter.js';
import { DIALECTS, openTestStore, type TestDialect, type TestStore } from '../../support/test-store.js';

/** A stored plan reads back whole and in its stable order, page after page, also where sort keys repeat across a page boundary. */
describe.each(DIALECTS)('stored plan paging on %s', (dialect: TestDialect) => {
  let db: TestStore;
  beforeEach(async () => {
    db = await openTestStore(dialect);
    await workspaceWithEmptyPlan(db.store.db, 'p1');
  });
  afterEach(() => db.cleanup());

  const skip = (key: string, targetId: string): Change => ({ action: 'skip', kind: 'member', key, targetId, before: null, after: null, reason: 'test' });

  it('pages by (sort key, sequence) without losing or repeating a change', async () => {
    // Three changes share each key, so every page of 2 ends inside a run of equal sort keys.
    const changes = ['carol', 'alice', 'bob'].flatMap((name) => [1, 2, 3].map((n) => skip(name, `${name}-${n}`)));
    await appendPlanChanges(db.store.db, 'p1', 0, changes);
    const pages: string[][] = [];
    for await (const page of planChanges(db.store.db, 'p1', 2)) pages.push(page.map((c) => c.targetId));
    expect(pages.every((p) => p.length <= 2)).toBe(true);
    const read = pages.flat();
    expect(read).toHaveLength(9);
    expect(new Set(read).size).toBe(9);
    // Same key: the order they were planned in.
    expect(read.filter((id) => id.startsWith('alice'))).toEqual(['alice-1', 'alice-2', 'alice-3']);
    expect(read.map((id) => id.split('-')[0])).toEqual([...new Set(read.map((id) => id.split('-')[0]))].flatMap((n) => [n, n, n]));
  });

  it('reads the next page while the caller works on the current one, and no page after a short one', async () => {
    await appendPlanChanges(db.store.db, 'p1', 0, ['a', 'b', 'c', 'd', 'e'].map((name) => skip(name, name)));
    const reads = new StatementCounter('SelectQueryNode');
    const pages = planChanges(db.store.db.withPlugin(reads), 'p1', 2);
    const seen: string[] = [];
    for await (const page of pages) {
      seen.push(...page.map((c) => c.targetId));
      // This page's read and the next one's, already under way.
      expect(reads.count).toBe(Math.min(3, seen.length / 2 + 1));
    }
    expect(seen).toEqual(['a', 'b', 'c', 'd', 'e']);
    // Pages of 2, 2 and 1: the short third page ends the plan without a fourth, empty read.
    expect(reads.count).toBe(3);
  });

  it('leaves no failed read behind when the caller stops early', async () => {
    await appendPlanChanges(db.store.db, 'p1', 0, ['a', 'b', 'c', 'd', 'e'].map((name) => skip(name, name)));
    for await (const page of planChanges(db.store.db, 'p1', 2)) {
      expect(page).toHaveLength(2);
      break;
    }
    // The read of the second page may still be running when the store closes under it (afterEach): vitest fails
    // the run on an unhandled rejection.
  });
});
