import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiKey } from '../../src/admin/create-api-key.js';
import { createWorkspace } from '../../src/admin/create-workspace.js';
import type { RosterdEvent } from '../../src/events/event.js';
import { lastEventSeq, readEvents } from '../../src/store/event-repository.js';
import { addWebhookEndpoint } from '../../src/webhooks/add-webhook-endpoint.js';
import { WebhookReceiver } from '../integration/webhooks/webhook-receiver.js';
import { assertBuilt, startCli } from '../support/run-cli.js';
import { DIALECTS, openTestStore, TEST_POSTGRES_URL, type TestStore } from '../support/test-store.js';

/**
 * A real `rosterd start` is killed with SIGKILL in the middle of a burst of SCIM writes and webhook deliveries, then
 * started again: every change that committed has exactly one event, numbered without gaps, and the receiver (which
 * verifies every signature) has every event at least once, never one before the event ahead of it.
 */
describe.each(DIALECTS)('kill -9 during writes and deliveries on %s', (dialect) => {
  const dir = mkdtempSync(path.join(tmpdir(), 'rosterd-crash-'));
  const configPath = path.join(dir, 'rosterd.yaml');
  const WS = 'crash';
  const USERS = 150;
  let db: TestStore;
  let receiver: WebhookReceiver;
  let token: string;
  const daemons: ReturnType<typeof startCli>[] = [];

  /** Poll until `done` holds; generous, since the daemon and the test share two slow cores. */
  const until = async (what: string, done: () => Promise<boolean> | boolean, deadlineMs = 90_000) => {
    const deadline = Date.now() + deadlineMs;
    while (!(await done())) {
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
      await sleep(50);
    }
  };
  const start = async () => {
    const daemon = startCli(['--config', configPath], {});
    daemons.push(daemon);
    const banner = await daemon.ready;
    return { daemon, url: /rosterd is listening on (\S+)/.exec(banner)![1]! };
  };

  beforeAll(async () => {
    assertBuilt();
    db = await openTestStore(dialect);
    const now = new Date().toISOString();
    await createWorkspace(db.store.db, { id: WS, version: 'v2', now });
    token = (await createApiKey(db.store.db, { workspaceId: WS, name: 'entra', now })).token;
    receiver = await WebhookReceiver.start();
    const { secret } = await addWebhookEndpoint(db.store, { workspaceId: WS, url: receiver.url('hooks'), allowInsecureUrls: true, now });
    receiver.route('hooks', secret);
    const database = dialect === 'sqlite' ? db.url : `${TEST_POSTGRES_URL}?schema=${db.schema}`;
    // A short lease, so the restarted daemon takes the endpoint over soon after the killed one's lease runs out.
    writeFileSync(configPath, JSON.stringify({ server: { host: '127.0.0.1', port: 0 }, database, log: { level: 'warn' }, bootstrap: { workspace: null }, daemon: { leaseTtlSeconds: 2 } }));
  });
  afterAll(async () => {
    for (const daemon of daemons) daemon.child.kill('SIGKILL');
    await receiver?.close();
    await db?.cleanup();
    rmSync(dir, { recursive: true, force: true });
  });

  it('loses no event and delivers every one, in order, after a restart', async () => {
    const first = await start();
    const post = (url: string, k: number) =>
      fetch(`${url}/scim/v2/organizations/${WS}/Users`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/scim+json' },
        body: JSON.stringify({ schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'], userName: `u${k}@crash.example`, externalId: `x${k}`, active: true }),
      }).then(
        (response) => response.status,
        () => 0,
      );
    // Ten writers post users one after another; the daemon is killed once deliveries are under way.
    let next = 0;
    const writers = Array.from({ length: 10 }, async () => {
      while (next < USERS) await post(first.url, next++);
    });
    await until('the first deliveries', () => receiver.events('hooks').length >= 20);
    first.daemon.child.kill('SIGKILL');
    await first.daemon.exited;
    await Promise.all(writers);

    // Every change that committed has exactly one event, and there is no event without its change.
    const written = await readEvents(db.store.db, WS, 0, 10_000);
    expect(written.map((e) => e.seq)).toEqual(written.map((_, i) => i + 1));
    const members = await db.store.db.selectFrom('membership').select('id').where('workspace_id', '=', WS).execute();
    expect(written.every((e) => e.type === 'member.created')).toBe(true);
    expect(new Set(written.map((e) => (e.data as { member: { id: string } }).member.id))).toEqual(new Set(members.map((m) => m.id)));

    const second = await start();
    // The writes go on after the restart too.
    for (let k = USERS; k < USERS + 10; k++) expect(await post(second.url, k)).toBe(201);
    const last = (await lastEventSeq(db.store.db, WS))!;
    await until(`delivery up to event ${last}`, () => new Set(receiver.events('hooks').map((e) => e.seq)).size === last);

    const arrived: RosterdEvent[] = receiver.events('hooks');
    expect(receiver.rejected).toEqual([]);
    // At least once, in order: an event arrives only after every event before it has.
    let highest = 0;
    for (const event of arrived) {
      expect(event.seq, `event ${event.seq} arrived before ${highest + 1}`).toBeLessThanOrEqual(highest + 1);
      highest = Math.max(highest, event.seq);
    }
    const byId = new Map((await readEvents(db.store.db, WS, 0, 10_000)).map((e) => [e.id, e.seq]));
    for (const event of arrived) expect(byId.get(event.id)).toBe(event.seq);
  });
});
