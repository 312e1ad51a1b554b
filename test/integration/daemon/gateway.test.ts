import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { configSchema } from '../../../src/config/config-schema.js';
import { startGateway } from '../../../src/daemon/start-gateway.js';
import { pullLeaseName } from '../../../src/daemon/lease.js';
import type { RunCycle, ScheduledBinding } from '../../../src/daemon/scheduler.js';
import { createLogger } from '../../../src/log/create-logger.js';
import { summarize } from '../../../src/model/plan.js';
import { findMemberByExternalId } from '../../../src/store/member-repository.js';
import { findLease } from '../../../src/store/lease-repository.js';
import { listRuns } from '../../../src/store/sync-run-repository.js';
import { OktaHarness } from '../../contract/okta-harness.js';
import { DIALECTS, openTestStore, TEST_POSTGRES_URL } from '../../support/test-store.js';

/** The wiring of `rosterd start` with connectors: the scheduler runs beside the server, records metrics, stops with it. */
describe('the gateway with pull connectors', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'rosterd-gateway-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('runs each binding on its schedule, counts the cycles in /metrics, and aborts a running cycle on close', async () => {
    const lines: Record<string, unknown>[] = [];
    const destination = new PassThrough();
    destination.on('data', (chunk: Buffer) => lines.push(...chunk.toString().trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>)));
    const config = configSchema.parse({
      database: `sqlite:${path.join(dir, 'rosterd.db')}`,
      server: { port: 0 },
      log: { level: 'info', requests: false },
      connectors: [
        { workspace: 'demo', kind: 'entra', schedule: '* * * * * *', settings: {} },
        { workspace: 'demo', kind: 'okta', name: 'okta-eu', schedule: '0 0 1 1 *', settings: {} },
      ],
    });
    const ran: { binding: ScheduledBinding; signal: AbortSignal }[] = [];
    const runCycle: RunCycle = async (binding, { signal }) => {
      ran.push({ binding, signal });
      // The first cycle applies at once; the second runs until it is aborted.
      if (ran.length > 1) await sleep(60_000, undefined, { signal });
      return { runId: randomUUID(), planId: null, result: 'applied', summary: { ...summarize([]), create: 2 }, drift: { count: 0, reasons: {} }, warnings: [], membersRead: 2, complete: true, mode: 'incremental', message: 'applied 2 creates' };
    };
    const gateway = await startGateway(config, createLogger({ level: 'info', destination }), { runCycle, retry: { initialMs: 60_000, maxMs: 60_000 } });
    try {
      expect(lines.filter((l) => l.msg === 'pull schedule').map((l) => [l.binding, l.schedule])).toEqual([
        ['entra', '* * * * * *'],
        ['okta-eu', '0 0 1 1 *'],
      ]);
      expect(lines.filter((l) => String(l.msg).startsWith('SQLite mode is single-instance'))).toHaveLength(1);

      while (ran.length < 2) await sleep(20);
      expect(ran.map((r) => `${r.binding.workspaceId}/${r.binding.name}`)).toEqual(['demo/entra', 'demo/entra']);
      const scraped = await (await fetch(`${gateway.url}/metrics`)).text();
      expect(scraped).toMatch(/rosterd_runs_total\{workspace="demo",binding="entra",result="applied"\} 1/);
      expect(scraped).toMatch(/rosterd_changes_total\{workspace="demo",binding="entra",action="create"\} 2/);
      expect(scraped).toMatch(/rosterd_pending_plans\{workspace="demo"\} 0/);
    } finally {
      await gateway.close({ graceMs: 50, abortWaitMs: 5_000 });
    }
    expect(ran[1]!.signal.aborted).toBe(true);
    expect(String(ran[1]!.signal.reason)).toMatch(/shutting down/);
    // Nothing listens any more.
    await expect(fetch(`${gateway.url}/healthz`)).rejects.toThrow();
  });
});

describe('daemon.leaseTtlSeconds', () => {
  it('defaults to a minute and refuses a lease too short to renew, with the key named', () => {
    expect(configSchema.parse({}).daemon).toEqual({ leaseTtlSeconds: 60, shutdownGraceSeconds: 20 });
    const tooShort = configSchema.safeParse({ daemon: { leaseTtlSeconds: 1 } });
    expect(tooShort.success).toBe(false);
    expect(tooShort.error!.issues[0]!.path).toEqual(['daemon', 'leaseTtlSeconds']);
    expect(configSchema.safeParse({ daemon: { leaseTtlSeconds: 2.5 } }).success).toBe(false);
  });
});

/** `rosterd start` as deployed: the real reconciler and Okta connector (against the fake org) on each schedule. */
describe.each(DIALECTS)('the gateway pulling from Okta on %s', (dialect) => {
  const okta = new OktaHarness();
  beforeAll(() => okta.start());
  afterAll(() => okta.stop());

  it('applies what the IdP assigns on the first tick and reports it in /metrics', async () => {
    okta.addUser({ id: 'u-1', userName: 'ada@example.test', email: 'ada@example.test' });
    okta.addUser({ id: 'u-2', userName: 'bob@example.test', email: 'bob@example.test' });
    okta.assignUser('u-1', 'admin');
    okta.assignUser('u-2', 'editor');
    const db = await openTestStore(dialect);
    await db.store.close();
    const config = configSchema.parse({
      database: dialect === 'sqlite' ? db.url : `${TEST_POSTGRES_URL}?schema=${db.schema}`,
      server: { port: 0 },
      log: { level: 'silent', requests: false },
      daemon: { leaseTtlSeconds: 7 },
      connectors: [{ workspace: 'demo', kind: 'okta', schedule: '* * * * * *', settings: { orgUrl: okta.fake.origin, appId: okta.directory.app.id, auth: { type: 'apiToken', apiToken: okta.fake.apiToken } } }],
    });
    const gateway = await startGateway(config, createLogger({ level: 'silent' }));
    try {
      const store = gateway.store.db;
      while (!(await listRuns(store, 'demo', 10)).some((run) => run.result === 'applied')) await sleep(50);
      expect(await findMemberByExternalId(store, 'demo', 'u-1')).toMatchObject({ userName: 'ada@example.test', role: 'admin' });
      expect(await findMemberByExternalId(store, 'demo', 'u-2')).toMatchObject({ userName: 'bob@example.test', role: 'editor' });
      const [applied] = (await listRuns(store, 'demo', 10)).filter((run) => run.result === 'applied');
      expect(applied).toMatchObject({ trigger: 'schedule', binding: 'okta', instance: gateway.scheduler!.holder });
      // The schedule's lease lasts daemon.leaseTtlSeconds from its last claim, not the 60 s default.
      const lease = (await findLease(store, pullLeaseName('demo', 'okta')))!;
      expect(lease.holder).toBe(gateway.scheduler!.holder);
      expect(lease.expiresAt).toBeLessThanOrEqual(Date.now() + 7_000);
      expect(lease.expiresAt - Date.parse(lease.acquiredAt)).toBeGreaterThanOrEqual(7_000);

      const scraped = await (await fetch(`${gateway.url}/metrics`)).text();
      expect(scraped).toMatch(/rosterd_runs_total\{workspace="demo",binding="okta",result="applied"\} 1\n/);
      expect(scraped).toMatch(/rosterd_changes_total\{workspace="demo",binding="okta",action="create"\} 2\n/);
      expect(scraped).toMatch(/rosterd_seconds_since_last_good_cycle\{workspace="demo",binding="okta"\} \d/);
    } finally {
      await gateway.close({ graceMs: 5_000 });
      await db.cleanup();
    }
  });
});
