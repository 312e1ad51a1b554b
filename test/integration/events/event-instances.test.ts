import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createWorkspace } from '../../../src/admin/create-workspace.js';
import { emptyMemberFields } from '../../../src/model/member.js';
import type { Change } from '../../../src/model/plan.js';
import { timeOrderedId } from '../../../src/model/time-ordered-id.js';
import { applyChanges } from '../../../src/reconcile/apply.js';
import { createDb } from '../../../src/store/create-db.js';
import type { Store } from '../../../src/store/store.js';
import { readEvents } from '../../../src/store/event-repository.js';
import { openTestStore, TEST_POSTGRES_URL, type TestStore } from '../../support/test-store.js';

/**
 * Several instances of rosterd on one PostgreSQL schema: their writes to one workspace are numbered without gaps in
 * commit order, and each instance hears the others' commits (LISTEN/NOTIFY), but not those of another schema.
 */
describe('events across instances on one PostgreSQL database', () => {
  let db: TestStore;
  let other: TestStore;
  const instances: Store[] = [];
  const WS = 'shared';

  beforeAll(async () => {
    db = await openTestStore('postgres');
    other = await openTestStore('postgres');
    for (let i = 0; i < 2; i++) instances.push(await createDb(TEST_POSTGRES_URL, { schema: db.schema!, poolSize: 6 }));
    const now = new Date().toISOString();
    await createWorkspace(db.store.db, { id: WS, version: 'v2', now });
    await createWorkspace(other.store.db, { id: WS, version: 'v2', now });
  });
  afterAll(async () => {
    await Promise.all(instances.map((store) => store.close()));
    await Promise.all([db?.cleanup(), other?.cleanup()]);
  });

  const newMember = (userName: string): Change => ({ action: 'create', kind: 'member', key: userName, targetId: timeOrderedId(), before: null, after: { ...emptyMemberFields(userName), role: 'viewer' } });
  const create = (store: Store, userName: string) => applyChanges(store, WS, [newMember(userName)], { actor: 'cli', requestId: null, now: () => new Date().toISOString(), mode: 'whole' });

  it('numbers the concurrent writes of two instances 1, 2, 3, … with one member.created per committed member', async () => {
    const writes = instances.flatMap((store, i) => Array.from({ length: 20 }, (_, k) => create(store, `i${i}-${k}@shared.example`)));
    const outcomes = await Promise.all(writes);
    const events = await readEvents(db.store.db, WS, 0, 1_000);
    expect(events.map((e) => e.seq)).toEqual(events.map((_, i) => i + 1));
    expect(events).toHaveLength(40);
    // Each write's own sequence is the one its member row records, so the log's order is the order the writes took the lock.
    const rows = await db.store.db.selectFrom('membership').select(['id', 'event_seq']).where('workspace_id', '=', WS).execute();
    const rowSeq = new Map(rows.map((r) => [r.id, Number(r.event_seq)]));
    for (const event of events) expect(rowSeq.get((event.data as { member: { id: string } }).member.id)).toBe(event.seq);
    expect(outcomes.map((o) => o.lastEventSeq).sort((a, b) => a! - b!)).toEqual(events.map((e) => e.seq));
  });

  it("wakes another instance's waiter when a write commits, and not for another schema's writes", async () => {
    const listener = instances[1]!;
    const stop = listener.listenForEvents!();
    try {
      const after = (await readEvents(db.store.db, WS, 0, 10_000)).length;
      // Another installation on the same database whose workspace of the same name is further along.
      for (let k = 0; k <= after; k++) await create(other.store, `elsewhere${k}@other.example`);
      // Until the listener is connected nothing can be heard: its first announcement is the state it read.
      await expect(listener.events.waitFor(WS, after - 1, 30_000)).resolves.toBe(true);
      let woken = false;
      const waiting = listener.events.waitFor(WS, after, 30_000).then((value) => (woken = value));
      await create(other.store, 'late@other.example');
      // Notifications reach a listener in commit order: once a later one of its own schema is heard, the other
      // schema's would have been too.
      await createWorkspace(db.store.db, { id: 'sentinel', version: 'v2', now: new Date().toISOString() });
      const sentinel = listener.events.waitFor('sentinel', 0, 30_000);
      await applyChanges(instances[0]!, 'sentinel', [newMember('s@sentinel.example')], { actor: 'cli', requestId: null, now: () => new Date().toISOString(), mode: 'whole' });
      await expect(sentinel).resolves.toBe(true);
      expect(woken).toBe(false);
      await create(instances[0]!, 'heard@shared.example');
      await expect(waiting).resolves.toBe(true);
      const [event] = await readEvents(listener.db, WS, after, 10);
      expect(event).toMatchObject({ seq: after + 1, type: 'member.created' });
    } finally {
      await stop();
    }
  });
});
