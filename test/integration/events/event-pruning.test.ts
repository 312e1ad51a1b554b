import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createWorkspace } from '../../../src/admin/create-workspace.js';
import { startEventPruning } from '../../../src/events/event-pruner.js';
import { createLogger } from '../../../src/log/create-logger.js';
import { emptyMemberFields } from '../../../src/model/member.js';
import { timeOrderedId } from '../../../src/model/time-ordered-id.js';
import { applyChanges } from '../../../src/reconcile/apply.js';
import { firstRetainedSeq, lastEventSeq, readEvents } from '../../../src/store/event-repository.js';
import { DIALECTS, openTestStore, type TestStore } from '../../support/test-store.js';

/** Retention deletes each workspace's oldest events, a prefix of its log, and nothing younger than the cutoff. */
describe.each(DIALECTS)('event retention on %s', (dialect) => {
  let db: TestStore;
  const DAY = 86_400_000;
  const T0 = Date.parse('2026-11-01T00:00:00Z');

  beforeAll(async () => {
    db = await openTestStore(dialect);
    for (const id of ['old', 'young']) await createWorkspace(db.store.db, { id, version: 'v2', now: new Date(T0).toISOString() });
    // One event a day for 40 days in "old"; five events today in "young".
    for (let day = 0; day < 40; day++) await write('old', `u${day}@old.example`, T0 + day * DAY);
    for (let k = 0; k < 5; k++) await write('young', `u${k}@young.example`, T0 + 39 * DAY);
  });
  afterAll(() => db?.cleanup());

  const write = (workspaceId: string, userName: string, at: number) =>
    applyChanges(db.store, workspaceId, [{ action: 'create', kind: 'member', key: userName, targetId: timeOrderedId(), before: null, after: { ...emptyMemberFields(userName), role: 'viewer' } }], {
      actor: 'cli',
      requestId: null,
      now: () => new Date(at).toISOString(),
      mode: 'whole',
    });

  it('prunes what is older than the retention at start, keeping the rest and the sequence', async () => {
    const stop = startEventPruning({ store: db.store, retentionDays: 30, log: createLogger({ level: 'silent' }), clock: () => new Date(T0 + 39 * DAY + 1), everyMs: 3_600_000 });
    await stop();
    // The cutoff is day 9 plus a millisecond: the events of days 0–9 (1–10) go.
    expect(await firstRetainedSeq(db.store.db, 'old')).toBe(11);
    expect((await readEvents(db.store.db, 'old', 0, 100)).map((e) => e.seq)).toEqual(Array.from({ length: 30 }, (_, i) => i + 11));
    expect(await lastEventSeq(db.store.db, 'old')).toBe(40);
    expect(await firstRetainedSeq(db.store.db, 'young')).toBe(1);
    // The next event continues the sequence.
    await write('old', 'next@old.example', T0 + 40 * DAY);
    expect((await readEvents(db.store.db, 'old', 40, 10)).map((e) => e.seq)).toEqual([41]);
  });
});
