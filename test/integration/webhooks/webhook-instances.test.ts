import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createLogger } from '../../../src/log/create-logger.js';
import { createDb } from '../../../src/store/create-db.js';
import type { Store } from '../../../src/store/store.js';
import { lastEventSeq } from '../../../src/store/event-repository.js';
import { startWebhookDispatcher } from '../../../src/webhooks/webhook-dispatcher.js';
import { TEST_POSTGRES_URL } from '../../support/test-store.js';
import { range, seqsOf, TEST_SETTINGS, waitUntil, webhookHarness, type WebhookHarness } from './webhook-kit.js';

// Several instances share endpoints only on PostgreSQL (SQLite runs one instance per file).
describe('two dispatchers on one PostgreSQL schema', () => {
  let h: WebhookHarness;
  let other: Store;
  beforeEach(async () => {
    h = await webhookHarness('postgres');
    other = await createDb(TEST_POSTGRES_URL, { schema: h.gw.db.schema!, poolSize: 4 });
  });
  afterEach(async () => {
    await h.close();
    await other.close();
  });

  it('never deliver one endpoint concurrently, and together deliver everything in order, also across a handover', async () => {
    const paths = ['one', 'two', 'three'];
    for (const path of paths) await h.add(path, { answer: () => ({ status: 200, delayMs: 2 }) });
    const first = h.start({ holder: 'instance-a' });
    const second = startWebhookDispatcher({ store: other, log: createLogger({ level: 'silent' }), settings: TEST_SETTINGS, holder: 'instance-b' });
    try {
      await h.createUsers('acme', 20);
      let last = (await lastEventSeq(h.store.db, 'acme'))!;
      for (const path of paths) await waitUntil(() => expect(seqsOf(h.receiver.distinct(path))).toEqual(range(1, last)));

      // The first instance stops (its leases released); the second takes its endpoints over.
      await first.stop();
      await h.createUsers('acme', 10);
      last = (await lastEventSeq(h.store.db, 'acme'))!;
      for (const path of paths) {
        await waitUntil(() => expect(seqsOf(h.receiver.distinct(path))).toEqual(range(1, last)));
        expect(h.receiver.maxInFlight(path)).toBe(1);
        // Arrivals, repeats included, never go back past an event the receiver already had.
        const arrived = seqsOf(h.receiver.events(path));
        expect(arrived).toEqual([...arrived].sort((a, b) => a - b));
      }
      expect(h.receiver.rejected).toEqual([]);
    } finally {
      await second.stop();
    }
  });
});
