import { randomUUID } from 'node:crypto';
import { PassThrough } from 'node:stream';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createWorkspace } from '../../../src/admin/create-workspace.js';
import { configSchema, type Config } from '../../../src/config/config-schema.js';
import { startGateway, type Gateway, type GatewayOptions } from '../../../src/daemon/start-gateway.js';
import type { RunCycle } from '../../../src/daemon/scheduler.js';
import { createLogger } from '../../../src/log/create-logger.js';
import { listRuns, startRun } from '../../../src/store/sync-run-repository.js';
import { OktaHarness } from '../../contract/okta-harness.js';
import { DIALECTS, openTestStore, TEST_POSTGRES_URL, type TestDialect, type TestStore } from '../../support/test-store.js';

/**
 * The daemon's pull cycles as `rosterd start` runs them: the real scheduler, reconciler and Okta connector against the
 * fake Okta, a real database. Each waits on what the daemon records (runs, log lines), never on a fixed time.
 */
describe.each(DIALECTS)('the daemon\'s cycles on %s', (dialect: TestDialect) => {
  const okta = new OktaHarness();
  let db: TestStore;
  let gateway: Gateway | null = null;
  let logged: Record<string, unknown>[] = [];
  beforeAll(() => okta.start());
  afterAll(() => okta.stop());
  beforeEach(async () => {
    okta.reset();
    logged = [];
    db = await openTestStore(dialect);
  });
  afterEach(async () => {
    await gateway?.close({ graceMs: 2_000, abortWaitMs: 2_000 }).catch(() => undefined);
    gateway = null;
    await db.cleanup();
  });

  const start = async (binding: Record<string, unknown> = {}, options: GatewayOptions = {}, apiToken = okta.fake.apiToken): Promise<Gateway> => {
    const destination = new PassThrough();
    destination.on('data', (chunk: Buffer) => logged.push(...chunk.toString().trim().split('\n').map((line) => JSON.parse(line) as Record<string, unknown>)));
    const config: Config = configSchema.parse({
      database: dialect === 'sqlite' ? db.url : `${TEST_POSTGRES_URL}?schema=${db.schema}`,
      server: { port: 0 },
      log: { level: 'debug', requests: false },
      bootstrap: { workspace: null },
      connectors: [{ workspace: 'acme', kind: 'okta', schedule: '* * * * * *', settings: { orgUrl: okta.fake.origin, appId: okta.directory.app.id, auth: { type: 'apiToken', apiToken } }, ...binding }],
    });
    gateway = await startGateway(config, createLogger({ level: 'debug', destination: destination as never }), options);
    return gateway;
  };
  const runs = () => listRuns(db.store.db, 'acme', 100);
  const until = async (what: string, predicate: () => boolean | Promise<boolean>, timeoutMs = 30_000) => {
    const deadline = Date.now() + timeoutMs;
    while (!(await predicate())) {
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
      await sleep(25);
    }
  };
  const users = (n: number) => {
    for (let i = 0; i < n; i++) {
      okta.addUser({ id: `u-${i}`, userName: `user${i}@example.test`, email: `user${i}@example.test` });
      okta.assignUser(`u-${i}`, 'viewer');
    }
  };

  it('records an incomplete read as a failed run with its cause, retries it with backoff as a full read, and counts it in /metrics', async () => {
    await createWorkspace(db.store.db, { id: 'acme', version: 'v2', now: new Date().toISOString() });
    users(6);
    okta.setPageSize(2);
    okta.injectFault({ status: 500, count: 12, afterRequests: 1 });
    const gw = await start({}, { retry: { initialMs: 50, maxMs: 50 } });
    await until('a failed run, then an applied one', async () => {
      const all = await runs();
      return all.some((r) => r.result === 'failed') && all.some((r) => r.result === 'applied');
    });
    const all = (await runs()).reverse();
    const failed = all.find((r) => r.result === 'failed')!;
    expect(failed).toMatchObject({ complete: false, trigger: 'schedule' });
    expect(failed.error).toMatch(/incomplete/);
    // Every cycle after it reads everything (the faults may fail a few in a row) until one gets every member in.
    // (A cycle after that one may be incremental again: the schedule goes on while the test reads the runs.)
    const after = all.slice(all.indexOf(failed) + 1);
    const untilApplied = after.slice(0, after.findIndex((r) => r.result === 'applied') + 1);
    expect(untilApplied.length).toBeGreaterThan(0);
    expect(untilApplied.every((r) => r.mode === 'full')).toBe(true);
    expect(untilApplied.at(-1)).toMatchObject({ result: 'applied', complete: true });
    expect(logged.some((l) => l.msg === 'pull cycle failed: ' + failed.message && typeof l.retryInMs === 'number')).toBe(true);
    const scraped = await (await fetch(`${gw.url}/metrics`)).text();
    expect(scraped).toMatch(/rosterd_runs_total\{workspace="acme",binding="okta",result="failed"\} [1-9]/);
  });

  it('waits quietly while a plan over the deletion budget is pending: one refused run, however many ticks', async () => {
    await createWorkspace(db.store.db, { id: 'acme', version: 'v2', now: new Date().toISOString(), policy: { deletionBudget: { count: 1, percent: null } } });
    users(4);
    await start();
    await until('the first cycle', async () => (await runs()).some((r) => r.result === 'applied'));
    okta.unassignUser('u-0');
    okta.unassignUser('u-1');
    await until('the refused cycle', async () => (await runs()).some((r) => r.result === 'refused'));
    const held = () => logged.filter((l) => l.msg === 'a plan over the deletion budget waits for approval; no cycle runs until it is decided').length;
    const before = held();
    await until('three more ticks', () => held() >= before + 3);
    const refused = (await runs()).filter((r) => r.result === 'refused');
    expect(refused).toHaveLength(1);
    expect(refused[0]!.message).toMatch(/deletion budget/);
    expect((await runs()).filter((r) => r.result !== 'applied' && r.result !== 'refused')).toEqual([]);
  });

  it('does not retry with backoff what only a person can fix: rejected credentials wait for the next tick', async () => {
    await createWorkspace(db.store.db, { id: 'acme', version: 'v2', now: new Date().toISOString() });
    await start({}, { retry: { initialMs: 50, maxMs: 50 } }, 'not-the-token');
    await until('a failed run', async () => (await runs()).some((r) => r.result === 'failed'));
    await until('its log line', () => logged.some((l) => typeof l.msg === 'string' && l.msg.startsWith('pull cycle failed')));
    const line = logged.find((l) => typeof l.msg === 'string' && l.msg.startsWith('pull cycle failed'))!;
    expect(line.retryInMs).toBeNull();
    expect(String(line.msg)).toMatch(/token/i);
  });

  it('records the run a cycle would not stop as aborted, and says so: close rejects', async () => {
    await createWorkspace(db.store.db, { id: 'acme', version: 'v2', now: new Date().toISOString() });
    let holder!: string;
    let started!: () => void;
    const running = new Promise<void>((resolve) => (started = resolve));
    let know!: () => void;
    const known = new Promise<void>((resolve) => (know = resolve));
    // A cycle that records its run as the reconciler does, then ignores its abort (a connector stuck in native code).
    const runCycle: RunCycle = async () => {
      await known;
      await startRun(db.store.db, { id: randomUUID(), workspaceId: 'acme', binding: 'okta', mode: 'full', trigger: 'schedule', dryRun: false, instance: holder, startedAt: new Date().toISOString() });
      started();
      return new Promise(() => undefined);
    };
    const gw = await start({}, { runCycle });
    holder = gw.scheduler!.holder;
    know();
    await running;
    await expect(gw.close({ graceMs: 20, abortWaitMs: 20 })).rejects.toThrow(/did not stop/);
    gateway = null;
    expect((await runs())[0]).toMatchObject({ result: 'aborted', error: expect.stringContaining('did not stop') });
    // The stuck cycle still had the database; the test closes it for it.
    await gw.store.close();
  });
});
