import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { lastEventSeq, pruneEvents } from '../../../src/store/event-repository.js';
import { startTestGateway, type TestGateway } from '../../support/test-gateway.js';
import { DIALECTS } from '../../support/test-store.js';
import { appClient, appKeyFor, userBody, v2Workspace } from './app-api-kit.js';

/** The workspace feed and the all-workspaces feed: order, long polls that wake on a commit, timeouts, retention. */
describe.each(DIALECTS)('app API event feeds on %s', (dialect) => {
  let gw: TestGateway;
  let a: Awaited<ReturnType<typeof v2Workspace>>;
  let b: Awaited<ReturnType<typeof v2Workspace>>;

  beforeAll(async () => {
    gw = await startTestGateway(dialect);
    a = await v2Workspace(gw, 'feed-a');
    b = await v2Workspace(gw, 'feed-b');
  });
  afterAll(() => gw.close());

  const create = async (scim: typeof a.scim, userName: string) => {
    const response = await scim.post('/Users', userBody(userName));
    expect(response.status, JSON.stringify(response.body)).toBe(201);
    return response.body.id as string;
  };

  it('returns the events after `after` in order, at most `limit`, with nextAfter', async () => {
    const from = (await lastEventSeq(gw.db.store.db, a.id))!;
    await create(a.scim, 'one@acme.example');
    await create(a.scim, 'two@acme.example');
    const page = await a.app(`/workspaces/feed-a/events?after=${from}&limit=1`);
    expect(page.status).toBe(200);
    expect(page.body.data).toHaveLength(1);
    expect(page.body.data[0]).toMatchObject({ workspace: 'feed-a', seq: from + 1, type: 'member.created', source: 'scim:test', data: { member: { userName: 'one@acme.example' } } });
    expect(page.body.nextAfter).toBe(from + 1);
    const rest = await a.app(`/workspaces/feed-a/events?after=${page.body.nextAfter}`);
    expect(rest.body.data.map((e: any) => e.seq)).toEqual([from + 2]);
    const none = await a.app(`/workspaces/feed-a/events?after=${from + 2}`);
    expect(none.body).toEqual({ data: [], nextAfter: from + 2 });
  });

  it('wakes a long poll as soon as a SCIM write commits', async () => {
    const after = (await lastEventSeq(gw.db.store.db, a.id))!;
    const poll = a.app(`/workspaces/feed-a/events?after=${after}&wait=60`);
    await create(a.scim, 'woken@acme.example');
    const response = await poll;
    expect(response.status).toBe(200);
    expect(response.body.data.map((e: any) => [e.seq, e.data.member.userName])).toEqual([[after + 1, 'woken@acme.example']]);
    expect(response.body.nextAfter).toBe(after + 1);
  });

  it('answers a long poll with an empty page when the wait ends without an event', async () => {
    const after = (await lastEventSeq(gw.db.store.db, a.id))!;
    const response = await a.app(`/workspaces/feed-a/events?after=${after}&wait=1`);
    expect(response.status).toBe(200);
    expect(response.body).toEqual({ data: [], nextAfter: after });
  });

  it('refuses `after` past the last event and a wait past the maximum', async () => {
    const last = (await lastEventSeq(gw.db.store.db, a.id))!;
    const past = await a.app(`/workspaces/feed-a/events?after=${last + 5}`);
    expect(past.status).toBe(400);
    expect(past.body.error.code).toBe('invalid_after');
    const long = await a.app('/workspaces/feed-a/events?wait=61');
    expect(long.body.error).toMatchObject({ status: 400, code: 'invalid_request', detail: expect.stringContaining('wait') });
  });

  it('feeds an all-workspaces key every workspace’s events through its cursor, new workspaces from 0', async () => {
    const all = appClient(gw.app, await appKeyFor(gw, null, 'all'));
    // Without a cursor: everything kept, each workspace in order.
    const seen = new Map<string, number[]>();
    let cursor: string | undefined;
    const drain = async () => {
      for (;;) {
        const page = await all(`/events?limit=2${cursor ? `&cursor=${cursor}` : ''}`);
        expect(page.status, JSON.stringify(page.body)).toBe(200);
        cursor = page.body.nextCursor;
        for (const event of page.body.data) seen.set(event.workspace, [...(seen.get(event.workspace) ?? []), event.seq]);
        if (page.body.data.length === 0) return;
      }
    };
    await create(b.scim, 'b1@acme.example');
    await drain();
    for (const ws of [a.id, b.id]) {
      const last = (await lastEventSeq(gw.db.store.db, ws))!;
      expect(seen.get(ws), ws).toEqual(Array.from({ length: last }, (_, i) => i + 1));
    }
    // A workspace made after the cursor starts at 0; the others continue where the cursor stands.
    const c = await v2Workspace(gw, 'feed-c');
    await create(c.scim, 'c1@acme.example');
    await create(b.scim, 'b2@acme.example');
    seen.clear();
    await drain();
    expect(Object.fromEntries(seen)).toEqual({ 'feed-c': [1], 'feed-b': [(await lastEventSeq(gw.db.store.db, b.id))!] });
  });

  it('wakes an all-workspaces long poll on any workspace’s commit, and refuses a workspace key', async () => {
    const all = appClient(gw.app, await appKeyFor(gw, null, 'poller'));
    let cursor = '';
    for (;;) {
      const page = await all(`/events?limit=1000${cursor ? `&cursor=${cursor}` : ''}`);
      cursor = page.body.nextCursor;
      if (page.body.data.length === 0) break;
    }
    const poll = all(`/events?cursor=${cursor}&wait=60`);
    await create(b.scim, 'polled@acme.example');
    const response = await poll;
    expect(response.body.data.map((e: any) => [e.workspace, e.data.member.userName])).toEqual([['feed-b', 'polled@acme.example']]);
    const empty = await all(`/events?cursor=${response.body.nextCursor}&wait=1`);
    expect(empty.body.data).toEqual([]);
    const refused = await a.app('/events');
    expect(refused.status).toBe(403);
    expect(refused.body.error).toMatchObject({ code: 'forbidden', detail: expect.stringContaining('/api/v1/workspaces/feed-a/events') });
    expect((await all('/events?cursor=garbage')).body.error.code).toBe('invalid_cursor');
  });

  it('answers 410 cursor_expired once retention pruned the events after `after`, on both feeds', async () => {
    const d = await v2Workspace(gw, 'feed-d');
    await create(d.scim, 'old1@acme.example');
    await create(d.scim, 'old2@acme.example');
    const all = appClient(gw.app, await appKeyFor(gw, null, 'expiring'));
    const staleCursor = Buffer.from(JSON.stringify({ p: { 'feed-d': 0 }, r: null })).toString('base64url');
    await pruneEvents(gw.db.store.db, new Date(Date.now() + 60_000).toISOString());
    await create(d.scim, 'new@acme.example');
    const expired = await d.app('/workspaces/feed-d/events?after=0');
    expect(expired.status).toBe(410);
    expect(expired.body.error).toMatchObject({ status: 410, code: 'cursor_expired', detail: expect.stringContaining('list the members and groups again') });
    expect((await d.app('/workspaces/feed-d/events?after=1')).status).toBe(410);
    const kept = await d.app('/workspaces/feed-d/events?after=2');
    expect(kept.body.data.map((e: any) => e.seq)).toEqual([3]);
    expect((await all(`/events?cursor=${staleCursor}`)).body.error.code).toBe('cursor_expired');
    // Without a cursor the feed starts at the oldest event kept.
    const fresh = await all('/events?limit=1000');
    expect(fresh.body.data.filter((e: any) => e.workspace === 'feed-d').map((e: any) => e.seq)).toEqual([3]);
  });
});
