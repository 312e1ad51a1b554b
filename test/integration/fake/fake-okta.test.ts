import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { FakeOktaServer } from '../../fake/okta/okta-server.js';

/** The fidelity checklist (reference Part C, O1–O9) checked with plain fetch, so no SDK leniency hides a gap. */
const fake = new FakeOktaServer();
let origin = '';
const appId = () => fake.directory.app.id;
const get = (path: string, auth = `SSWS ${fake.apiToken}`) => fetch(`${origin}${path}`, { headers: { Authorization: auth } });
const links = (res: Response) =>
  Object.fromEntries([...(res.headers.get('link') ?? '').matchAll(/<([^>]+)>; rel="(\w+)"/g)].map((m) => [m[2]!, m[1]!]));

beforeAll(async () => {
  origin = await fake.start();
});
afterAll(() => fake.stop());
beforeEach(() => {
  fake.reset();
  for (let i = 0; i < 5; i++) {
    const user = fake.directory.addUser({ login: `u${i}@x.test` });
    fake.directory.assignUser(user.id, { role: 'viewer' });
  }
});

describe('fake okta fidelity', () => {
  it('O1: absolute self and next links on its own origin; next only while more data', async () => {
    const first = await get(`/api/v1/apps/${appId()}/users?limit=2&expand=user`);
    const l1 = links(first);
    expect(l1.self).toBe(`${origin}/api/v1/apps/${appId()}/users?limit=2&expand=user`);
    expect(l1.next).toMatch(new RegExp(`^${origin}/api/v1/apps/${appId()}/users\\?limit=2&expand=user&after=`));
    const ids = ((await first.json()) as { id: string }[]).map((u) => u.id);
    const second = await get(new URL(l1.next!).pathname + new URL(l1.next!).search);
    ids.push(...((await second.json()) as { id: string }[]).map((u) => u.id));
    const third = await get(new URL(links(second).next!).search.replace(/^/, `/api/v1/apps/${appId()}/users`));
    ids.push(...((await third.json()) as { id: string }[]).map((u) => u.id));
    expect(links(third).next).toBeUndefined();
    expect(ids).toEqual([...ids].sort());
    expect(new Set(ids).size).toBe(5);
  });

  it('O1: the System Log polling query links onward even from an empty page', async () => {
    fake.directory.log.clear();
    const res = await get(`/api/v1/logs?since=${encodeURIComponent(new Date().toISOString())}`);
    expect(await res.json()).toEqual([]);
    expect(links(res).next).toMatch(/after=/);
  });

  it('O2: Date, X-Okta-Request-Id and X-Rate-Limit-* on every response, errors included', async () => {
    for (const res of [await get(`/api/v1/apps/${appId()}`), await get(`/api/v1/users/nobody`), await get('/api/v1/logs', 'SSWS wrong')]) {
      expect(res.headers.get('date')).toMatch(/GMT$/);
      expect(res.headers.get('x-okta-request-id')).toBeTruthy();
      expect(Number(res.headers.get('x-rate-limit-limit'))).toBeGreaterThan(0);
      expect(res.headers.get('x-rate-limit-remaining')).toMatch(/^\d+$/);
      expect(Number(res.headers.get('x-rate-limit-reset'))).toBeGreaterThan(Date.now() / 1000 - 60);
    }
  });

  it('O3: an injected 429 has one X-Rate-Limit-Reset and E0000047; an enforced bucket answers 429 too', async () => {
    fake.faults.add({ status: 429, count: 1, resetAfterSeconds: 1 });
    const res = await get(`/api/v1/apps/${appId()}/users`);
    expect(res.status).toBe(429);
    expect(res.headers.get('x-rate-limit-reset')).toMatch(/^\d+$/);
    expect(((await res.json()) as { errorCode: string }).errorCode).toBe('E0000047');
    fake.rateLimits.options = { limit: 1, windowSeconds: 60, enforce: true };
    expect((await get(`/api/v1/users/${[...fake.directory.users.keys()][0]}`)).status).toBe(200);
    expect((await get(`/api/v1/users/${[...fake.directory.users.keys()][0]}`)).status).toBe(429);
  });

  it('O4/O5: Okta error bodies; SSWS and Bearer only', async () => {
    const missing = await get(`/api/v1/apps/${appId()}/users/00uNobody`);
    expect(missing.status).toBe(404);
    expect(Object.keys((await missing.json()) as object).sort()).toEqual(['errorCauses', 'errorCode', 'errorId', 'errorLink', 'errorSummary']);
    const noAuth = await fetch(`${origin}/api/v1/apps/${appId()}`);
    expect(noAuth.status).toBe(401);
    expect(((await noAuth.json()) as { errorCode: string }).errorCode).toBe('E0000011');
    expect((await get(`/api/v1/apps/${appId()}`, `Basic ${fake.apiToken}`)).status).toBe(401);
  });

  it('O7/O8: _links.self on single resources, millisecond ISO dates, custom attributes under profile', async () => {
    const id = [...fake.directory.users.keys()][0]!;
    const au = (await (await get(`/api/v1/apps/${appId()}/users/${id}?expand=user`)).json()) as Record<string, any>;
    expect(au._links.self.href).toBe(`${origin}/api/v1/apps/${appId()}/users/${id}`);
    expect(au.created).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    expect(au.profile.role).toBe('viewer');
    expect(au._embedded.user.id).toBe(id);
    expect(au.externalId).not.toBe(au.id);
  });

  it('O9: limits are clamped to each endpoint range; a non-numeric limit is a 400', async () => {
    for (let i = 0; i < 600; i++) fake.directory.assignUser(fake.directory.addUser({ login: `bulk${i}@x.test` }).id);
    expect(((await (await get(`/api/v1/apps/${appId()}/users?limit=9999`)).json()) as unknown[]).length).toBe(500);
    expect(((await (await get(`/api/v1/apps/${appId()}/users`)).json()) as unknown[]).length).toBe(50);
    expect((await get(`/api/v1/apps/${appId()}/users?limit=ten`)).status).toBe(400);
  });

  it('holds a request a timeout fault hangs until reset, and says when it holds one', async () => {
    fake.faults.add({ status: 'timeout', count: 1, routes: ['appUsers'] });
    const held = fake.whenHeld();
    const hung = get(`/api/v1/apps/${appId()}/users`).then(
      () => 'answered',
      () => 'dropped',
    );
    await held;
    expect(fake.heldCount).toBe(1);
    fake.reset();
    expect(await hung).toBe('dropped');
    expect(fake.heldCount).toBe(0);
  });

  it('resolves a user by its percent-encoded login as well as by id', async () => {
    const user = fake.directory.addUser({ login: "o'brien+a/b#1@x.test" });
    const byLogin = await get(`/api/v1/users/${encodeURIComponent("O'Brien+a/b#1@x.test")}`);
    expect(byLogin.status).toBe(200);
    expect(((await byLogin.json()) as { id: string }).id).toBe(user.id);
    expect((await get(`/api/v1/users/${user.id}`)).status).toBe(200);
    expect((await get(`/api/v1/users/${encodeURIComponent('nobody@x.test')}`)).status).toBe(404);
  });

  it('refuses a since that is not ISO 8601 (such as a Date.toString()) or older than 180 days', async () => {
    expect((await get(`/api/v1/logs?since=${encodeURIComponent(new Date().toString())}`)).status).toBe(400);
    const old = await get(`/api/v1/logs?since=${new Date(Date.now() - 181 * 86_400_000).toISOString()}`);
    expect(((await old.json()) as { errorCode: string }).errorCode).toBe('E0000053');
  });

  it('filters the System Log with eq / sw / and / or on eventType and target', async () => {
    const q = encodeURIComponent(`eventType sw "application.user_membership" and target.id eq "${appId()}"`);
    const events = (await (await get(`/api/v1/logs?filter=${q}`)).json()) as { eventType: string; target: { type: string }[] }[];
    expect(events).toHaveLength(5);
    expect(events[0]!.target.map((t) => t.type)).toEqual(['User', 'AppInstance', 'AppUser']);
    expect((await get(`/api/v1/logs?filter=${encodeURIComponent('eventType gt "x"')}`)).status).toBe(400);
  });
});
