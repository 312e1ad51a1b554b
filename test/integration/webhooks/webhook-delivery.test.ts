import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { lastEventSeq, readEvents } from '../../../src/store/event-repository.js';
import { enableWebhookEndpoint, findWebhookEndpoint, recentWebhookDeliveries, webhookCursors } from '../../../src/store/webhook-repository.js';
import { DIALECTS } from '../../support/test-store.js';
import { range, seqsOf, TEST_SETTINGS, waitUntil, webhookHarness, type WebhookHarness } from './webhook-kit.js';

describe.each(DIALECTS)('webhook delivery on %s', (dialect) => {
  let h: WebhookHarness;
  beforeEach(async () => {
    h = await webhookHarness(dialect);
  });
  afterEach(() => h.close());

  it('delivers every event after the endpoint was added, signed, in order, with the event id as webhook-id', async () => {
    await h.createUsers('acme', 2, 'before');
    const before = (await lastEventSeq(h.store.db, 'acme'))!;
    await h.add('all');
    h.start();
    await h.createUsers('acme', 30);
    const last = (await lastEventSeq(h.store.db, 'acme'))!;
    await waitUntil(() => expect(seqsOf(h.receiver.distinct('all'))).toEqual(range(before + 1, last - before)));

    expect(h.receiver.rejected).toEqual([]);
    const stored = await readEvents(h.store.db, 'acme', before, 1000);
    expect(h.receiver.distinct('all')).toEqual(stored);
    const headers = h.receiver.headers('all');
    expect(headers[0]!['webhook-id']).toBe(h.receiver.events('all')[0]!.id);
    expect(headers[0]!['content-type']).toBe('application/json');
    expect(Number(headers[0]!['webhook-timestamp'])).toBeGreaterThan(0);
    expect(h.receiver.maxInFlight('all')).toBe(1);
  });

  it('sends only the event types an endpoint asked for, and moves its cursor past the others', async () => {
    const endpoint = await h.add('groups', { events: 'group.*' });
    await h.add('members', { events: 'member.*' });
    h.start();
    await h.createUsers('acme', 3);
    const group = await h.scim('acme').post('/Groups', { schemas: ['urn:ietf:params:scim:schemas:core:2.0:Group'], displayName: 'Engineering' });
    expect(group.status).toBe(201);
    await waitUntil(() => expect(h.receiver.distinct('groups').map((e) => e.type)).toEqual(['group.created']));
    await waitUntil(() => expect(h.receiver.distinct('members').map((e) => e.type)).toEqual(['member.created', 'member.created', 'member.created']));
    const last = (await lastEventSeq(h.store.db, 'acme'))!;
    await waitUntil(async () => expect((await webhookCursors(h.store.db, endpoint.id))[0]!.lastSeq).toBe(last));
  });

  it('an endpoint of every workspace receives a workspace created after it, from its first event', async () => {
    await h.add('everyone', { workspaceId: null });
    h.start();
    await h.createUsers('acme', 2);
    await h.createUsers('newco', 3);
    const acme = (await lastEventSeq(h.store.db, 'acme'))!;
    const newco = (await lastEventSeq(h.store.db, 'newco'))!;
    await waitUntil(() => {
      const events = h.receiver.distinct('everyone');
      expect(seqsOf(events.filter((e) => e.workspace === 'acme'))).toEqual(range(1, acme));
      expect(seqsOf(events.filter((e) => e.workspace === 'newco'))).toEqual(range(1, newco));
    });
  });

  it('retries an event the receiver answered 500 (and then a 429 with Retry-After) until it accepts, without sending the next one first', async () => {
    const endpoint = await h.add('flaky', {
      answer: (n) => (n <= 2 ? { status: 500, body: 'database is down' } : n === 3 ? { status: 429, headers: { 'retry-after': '0' } } : { status: 204 }),
    });
    h.start();
    await h.createUsers('acme', 5);
    const last = (await lastEventSeq(h.store.db, 'acme'))!;
    await waitUntil(() => expect(seqsOf(h.receiver.distinct('flaky'))).toEqual(range(1, last)));
    expect(h.receiver.requests('flaky')).toBe(last + 3);

    // Attempts are saved in batches: wait for the last one.
    await waitUntil(async () => expect((await webhookCursors(h.store.db, endpoint.id))[0]!.lastSeq).toBe(last));
    const attempts = (await recentWebhookDeliveries(h.store.db, 'acme', 100, endpoint.id)).sort((a, b) => a.seq - b.seq || a.attempt - b.attempt);
    expect(attempts).toHaveLength(last + 3);
    expect(attempts.slice(0, 4).map((a) => [a.seq, a.attempt, a.outcome, a.httpStatus])).toEqual([
      [1, 1, 'failed', 500],
      [1, 2, 'failed', 500],
      [1, 3, 'failed', 429],
      [1, 4, 'delivered', 204],
    ]);
    expect(attempts[0]!.error).toBe('database is down');
    const cursor = (await webhookCursors(h.store.db, endpoint.id))[0]!;
    expect(cursor).toMatchObject({ lastSeq: last, attempts: 0, nextAttemptAt: null, lastError: null });
  });

  it('records a 4xx with its status and at most 500 characters of the body, and retries it', async () => {
    const endpoint = await h.add('strict', { answer: (n) => (n === 1 ? { status: 400, body: `bad payload: ${'x'.repeat(2_000)}` } : { status: 200 }) });
    h.start();
    await h.createUsers('acme', 1);
    await waitUntil(() => expect(h.receiver.distinct('strict')).toHaveLength(1));
    await waitUntil(async () => expect(await recentWebhookDeliveries(h.store.db, 'acme', 100, endpoint.id)).toHaveLength(2));
    const [failed] = (await recentWebhookDeliveries(h.store.db, 'acme', 100, endpoint.id)).reverse();
    expect(failed).toMatchObject({ outcome: 'failed', httpStatus: 400, attempt: 1 });
    expect(failed!.error!.startsWith('bad payload: xxx')).toBe(true);
    expect(failed!.error!.length).toBe(500);
  });

  it('a receiver that never answers times out while another endpoint keeps receiving', async () => {
    const hung = await h.add('hung', { answer: () => 'hang' });
    await h.add('healthy');
    h.start({ settings: { ...TEST_SETTINGS, timeoutMs: 200 } });
    await h.createUsers('acme', 10);
    const last = (await lastEventSeq(h.store.db, 'acme'))!;
    await waitUntil(() => expect(seqsOf(h.receiver.distinct('healthy'))).toEqual(range(1, last)));
    await waitUntil(async () => {
      const attempts = await recentWebhookDeliveries(h.store.db, 'acme', 100, hung.id);
      expect(attempts.length).toBeGreaterThan(0);
      expect(attempts.every((a) => a.seq === 1 && a.outcome === 'failed' && a.httpStatus === null)).toBe(true);
      expect(attempts[0]!.error).toBe('no answer within 200 ms');
    });
    expect(h.receiver.maxInFlight('hung')).toBe(1);
  });

  it('SCIM writes complete while an endpoint answers slowly', async () => {
    await h.add('slow', { answer: () => ({ status: 200, delayMs: 300 }) });
    h.start();
    const names = await h.createUsers('acme', 20);
    expect(names).toHaveLength(20);
    const listed = await h.scim('acme').get('/Users?count=100');
    expect(listed.body.totalResults).toBe(20);
    // The slow endpoint gets one event per answer, in order.
    await waitUntil(() => expect(h.receiver.distinct('slow').length).toBeGreaterThan(1));
    expect(seqsOf(h.receiver.distinct('slow'))).toEqual(range(1, h.receiver.distinct('slow').length));
  });

  it('marks an endpoint failing once an event has failed for the retry window, and enable resumes from the cursor', async () => {
    let now = Date.parse('2026-12-07T10:00:00Z');
    const endpoint = await h.add('down', { answer: () => ({ status: 503, body: 'maintenance' }) });
    h.start({ clock: () => now });
    await h.createUsers('acme', 3);
    // Recorded, not only received: the window starts at the first failure the dispatcher records.
    await waitUntil(async () => expect((await recentWebhookDeliveries(h.store.db, 'acme', 1, endpoint.id)).map((a) => a.outcome)).toEqual(['failed']));
    expect((await findWebhookEndpoint(h.store.db, endpoint.id))!.status).toBe('active');

    // The window is measured from the event's first failure by the dispatcher's clock.
    now += 3_600_000;
    await waitUntil(async () => expect((await findWebhookEndpoint(h.store.db, endpoint.id))!.status).toBe('failing'));
    const failing = (await findWebhookEndpoint(h.store.db, endpoint.id))!;
    expect(failing.failingSince).toBe(new Date(now).toISOString());
    expect(failing.statusReason).toContain('maintenance');
    const requestsWhenFailing = h.receiver.requests('down');

    // Failing: nothing more is sent, however many events come.
    await h.createUsers('acme', 2);
    h.receiver.answer('down', () => ({ status: 200 }));
    expect(h.receiver.requests('down')).toBe(requestsWhenFailing);
    await h.store.writeTransaction((trx) => enableWebhookEndpoint(trx, endpoint.id, new Date(now).toISOString()));
    const last = (await lastEventSeq(h.store.db, 'acme'))!;
    await waitUntil(() => expect(seqsOf(h.receiver.distinct('down'))).toEqual(range(1, last)));
  });
});
