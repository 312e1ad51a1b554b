import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { sql, type RawBuilder } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createWorkspace } from '../../src/admin/create-workspace.js';
import { createDb } from '../../src/store/create-db.js';
import type { Store } from '../../src/store/store.js';
import { EntraHarness } from '../contract/entra-harness.js';
import { entraBindingYaml } from '../support/binding-yaml.js';
import { assertBuilt, runCliAsync, startCli } from '../support/run-cli.js';
import { openTestStore, TEST_POSTGRES_URL, type TestStore } from '../support/test-store.js';
import { waitFor } from '../support/wait-for.js';

const USERS = 3000;

/**
 * SIGTERM while a scheduled pull cycle is applying: the daemon takes no new work (HTTP closes, no new cycle),
 * lets the apply finish, records the run, and exits 0 well within the 30 s a supervisor waits before SIGKILL.
 * The apply is caught mid-way deterministically: the test holds a lock on the membership table, so the cycle's
 * first apply transaction waits on it, and the lock is released only once the daemon has begun shutting down.
 */
describe('rosterd start stopped by SIGTERM during an apply (PostgreSQL)', () => {
  const entra = new EntraHarness();
  const dir = mkdtempSync(path.join(tmpdir(), 'rosterd-shutdown-'));
  const configPath = path.join(dir, 'rosterd.yaml');
  let db: TestStore;
  /** A connection of the test's own, which holds the lock. */
  let locker: Store;

  beforeAll(async () => {
    assertBuilt();
    await entra.start();
    for (let i = 0; i < USERS; i++) {
      entra.addUser({ id: `u-${i}`, userName: `user${i}@acme.example`, email: `user${i}@acme.example` });
      entra.assignUser(`u-${i}`, 'viewer');
    }
    db = await openTestStore('postgres');
    await createWorkspace(db.store.db, { id: 'acme', version: 'v2', now: new Date().toISOString() });
    locker = await createDb(TEST_POSTGRES_URL, { schema: db.schema!, poolSize: 1 });
    writeFileSync(
      configPath,
      [
        `database: "${db.url}?schema=${db.schema}"`,
        'log: { level: info, requests: false }',
        'bootstrap: { workspace: null }',
        'connectors:',
        ...entraBindingYaml(entra, 'acme', '{}', ['schedule: "* * * * * *"']),
        '',
      ].join('\n'),
    );
  });
  afterAll(async () => {
    await locker.close();
    await entra.stop();
    await db.cleanup();
    rmSync(dir, { recursive: true, force: true });
  });

  const count = async (query: RawBuilder<{ n: number }>) => Number((await query.execute(db.store.db)).rows[0]!.n);
  const lines = (stdout: string) => stdout.split('\n').filter((line) => line.startsWith('{')).map((line) => JSON.parse(line) as Record<string, unknown>);

  it('lets the running apply finish, records the run, exits 0, and the next cycle finds nothing to change', async () => {
    const env = { ROSTERD_CONFIG: configPath, ROSTERD_PORT: '0', ENTRA_CLIENT_SECRET: entra.fake.clientSecret };
    let release!: () => void;
    const released = new Promise<void>((resolve) => (release = resolve));
    let locked!: () => void;
    const isLocked = new Promise<void>((resolve) => (locked = resolve));
    // Reads and planning go on (SELECT does not conflict with this lock); the apply's inserts wait for it.
    const holding = locker.db.transaction().execute(async (trx) => {
      await sql`lock table membership in share row exclusive mode`.execute(trx);
      locked();
      await released;
    });
    await isLocked;

    const daemon = startCli([], env);
    try {
      const banner = await daemon.ready;
      const url = /rosterd is listening on (\S+)/.exec(banner)![1]!;
      // The cycle has read all 3,000 users, planned them, and its apply waits on the lock.
      const deadline = Date.now() + 60_000;
      while ((await count(sql<{ n: number }>`select count(*)::int as n from pg_locks where relation = ${`${db.schema}.membership`}::regclass and not granted`)) === 0) {
        expect(Date.now() < deadline, 'the apply never reached the membership table').toBe(true);
        await sleep(50);
      }
      expect(await count(sql<{ n: number }>`select count(*)::int as n from sync_run where result = 'running'`)).toBe(1);

      const signalledAt = Date.now();
      daemon.child.kill('SIGTERM');
      await waitFor('the daemon to say it is shutting down', () => daemon.output().stdout.includes('"msg":"shutting down: no new requests or pull cycles"'), 60_000, 20);
      // No new work: the HTTP server no longer accepts connections, though the apply is still waiting.
      await expect(fetch(`${url}/healthz`)).rejects.toThrow();
      release();
      await holding;

      expect(await daemon.exited).toBe(0);
      const seconds = (Date.now() - signalledAt) / 1000;
      console.log(`rosterd exited ${seconds.toFixed(1)} s after SIGTERM, the apply included`);

      const logged = lines(daemon.output().stdout);
      const order = (msg: RegExp) => logged.findIndex((l) => msg.test(String(l.msg)));
      expect(order(/^shutting down/)).toBeGreaterThanOrEqual(0);
      expect(order(/^pull cycle applied: applied 3000 creates$/)).toBeGreaterThan(order(/^shutting down/));
      expect(order(/^shut down$/)).toBeGreaterThan(order(/^pull cycle applied/));
    } finally {
      release();
      if (daemon.child.exitCode === null && daemon.child.signalCode === null) daemon.child.kill('SIGKILL');
    }

    // One run, recorded as applied (none left running, none started after SIGTERM); every change applied.
    const runs = await db.store.db.selectFrom('sync_run').select(['result', 'finished_at', 'plan_id']).execute();
    expect(runs).toEqual([{ result: 'applied', finished_at: expect.any(String), plan_id: expect.any(String) }]);
    expect((await db.store.db.selectFrom('plan').select('status').where('id', '=', runs[0]!.plan_id!).executeTakeFirstOrThrow()).status).toBe('applied');
    expect(await count(sql<{ n: number }>`select count(*)::int as n from membership where workspace_id = 'acme'`)).toBe(USERS);

    // The next cycle converges: nothing left to change.
    const next = await runCliAsync(['reconcile', 'acme', '--dry-run'], env);
    expect(next.stderr).toBe('');
    expect(next.code).toBe(0);
  });
});

/**
 * SIGTERM while the IdP hangs: a Graph request that never answers must not hold the shutdown, nor leave the run
 * open. After `daemon.shutdownGraceSeconds` the cycle is aborted, the request in flight dropped, the run recorded as
 * aborted, and rosterd exits 0 because everything stopped.
 */
describe('rosterd start stopped by SIGTERM while a Graph request hangs (SQLite)', () => {
  const entra = new EntraHarness();
  const dir = mkdtempSync(path.join(tmpdir(), 'rosterd-hang-'));
  const configPath = path.join(dir, 'rosterd.yaml');
  let db: TestStore;

  beforeAll(async () => {
    assertBuilt();
    await entra.start();
    for (let i = 0; i < 60; i++) {
      entra.addUser({ id: `u-${i}`, userName: `user${i}@acme.example`, email: `user${i}@acme.example` });
      entra.assignUser(`u-${i}`, 'viewer');
    }
    entra.setPageSize(10);
    db = await openTestStore('sqlite');
    await createWorkspace(db.store.db, { id: 'acme', version: 'v2', now: new Date().toISOString() });
    await db.store.close();
    writeFileSync(
      configPath,
      [
        `database: "${db.url}"`,
        'log: { level: info, requests: false }',
        'bootstrap: { workspace: null }',
        'daemon: { shutdownGraceSeconds: 1 }',
        'connectors:',
        // A request timeout far longer than the test: only the abort can end the hung request.
        ...entraBindingYaml(entra, 'acme', '{}', ['schedule: "* * * * * *"']).map((line) => line.replace('requestTimeoutMs: 2000', 'requestTimeoutMs: 600000')),
        '',
      ].join('\n'),
    );
  });
  afterAll(async () => {
    await entra.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('aborts the cycle after the grace, records its run as aborted, and exits 0', async () => {
    // The third page of the assignment list never comes back.
    const held = entra.injectHang({ afterRequests: 2 });
    const env = { ROSTERD_CONFIG: configPath, ROSTERD_PORT: '0', ENTRA_CLIENT_SECRET: entra.fake.clientSecret };
    const daemon = startCli([], env);
    try {
      await daemon.ready;
      await held;
      daemon.child.kill('SIGTERM');
      expect(await daemon.exited).toBe(0);
      const logged = daemon.output().stdout.split('\n').filter((line) => line.startsWith('{')).map((line) => JSON.parse(line) as Record<string, unknown>);
      expect(logged.some((l) => String(l.msg).startsWith('pull cycle aborted: interrupted by a shutdown while reading'))).toBe(true);
      expect(logged.some((l) => String(l.msg).includes('did not stop'))).toBe(false);
    } finally {
      if (daemon.child.exitCode === null && daemon.child.signalCode === null) daemon.child.kill('SIGKILL');
    }
    const store = await createDb(db.url);
    try {
      const runs = await store.db.selectFrom('sync_run').select(['result', 'finished_at', 'error']).execute();
      expect(runs).toEqual([{ result: 'aborted', finished_at: expect.any(String), error: 'interrupted by a shutdown while reading; nothing was applied' }]);
    } finally {
      await store.close();
    }
  });
});
