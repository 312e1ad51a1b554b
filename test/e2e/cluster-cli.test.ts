import { randomBytes } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDb } from '../../src/store/create-db.js';
import { waitFor } from '../support/wait-for.js';
import { assertBuilt, startCli } from '../support/run-cli.js';
import { DIALECTS, TEST_POSTGRES_URL, type TestDialect } from '../support/test-store.js';

/** The live processes whose parent is `pid`: a cluster primary's workers. */
function childrenOf(pid: number): number[] {
  return readdirSync('/proc')
    .filter((entry) => /^\d+$/.test(entry))
    .filter((entry) => {
      try {
        const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
        return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]) === pid;
      } catch {
        return false;
      }
    })
    .map(Number);
}

const scimUser = (userName: string) => JSON.stringify({ schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'], userName, externalId: userName, active: true });

/** Sum of a counter's series whose labels contain `labels`. */
function counterSum(metrics: string, name: string, labels: string[]): number {
  return metrics
    .split('\n')
    .filter((line) => line.startsWith(`${name}{`) && labels.every((label) => line.includes(label)))
    .reduce((sum, line) => sum + Number(line.slice(line.lastIndexOf(' ') + 1)), 0);
}

describe.each(DIALECTS)('rosterd start with server.workers: 2 (%s)', (dialect: TestDialect) => {
  const dir = mkdtempSync(path.join(tmpdir(), 'rosterd-cluster-'));
  const schema = `t_${randomBytes(6).toString('hex')}`;
  const database = dialect === 'sqlite' ? `sqlite:${path.join(dir, 'rosterd.db')}` : `${TEST_POSTGRES_URL}?schema=${schema}`;
  const env = { ROSTERD_WORKERS: '2', ROSTERD_PORT: '0', ROSTERD_DATABASE: database, ROSTERD_LOG_LEVEL: 'info' };

  beforeAll(() => assertBuilt());
  afterAll(async () => {
    rmSync(dir, { recursive: true, force: true });
    if (dialect === 'postgres') {
      const admin = await createDb(TEST_POSTGRES_URL, { poolSize: 1 });
      await sql`drop schema if exists ${sql.raw(schema)} cascade`.execute(admin.db);
      await admin.close();
    }
  });

  it('bootstraps once, serves from both workers into one database, adds up /metrics, and drains on SIGTERM', async () => {
    const gateway = startCli([], env);
    const banner = await gateway.ready;
    expect(banner).toMatch(/rosterd is listening on http:\/\/127\.0\.0\.1:\d+ \(database .*, 2 workers\)/);
    const base = /SCIM base URL\s+(\S+)/.exec(banner)![1]!;
    const key = /API key\s+(\S+)/.exec(banner)![1]!;
    const url = /rosterd is listening on (\S+)/.exec(banner)![1]!;
    expect(childrenOf(gateway.child.pid!)).toHaveLength(2);
    const headers = { authorization: `Bearer ${key}`, 'content-type': 'application/scim+json' };

    // Many connections at once: the cluster hands them to both workers, which write one database.
    const created = await Promise.all(Array.from({ length: 60 }, (_, i) => fetch(`${base}/Users`, { method: 'POST', headers, body: scimUser(`user${i}@example.test`) })));
    expect(created.map((r) => r.status)).toEqual(Array(60).fill(201));
    // One userName sent ten times at once: the database lets exactly one in, whichever worker got it.
    const racing = await Promise.all(Array.from({ length: 10 }, () => fetch(`${base}/Users`, { method: 'POST', headers, body: scimUser('same@example.test') })));
    expect(racing.map((r) => r.status).sort()).toEqual([201, ...Array(9).fill(409)]);
    const list = (await (await fetch(`${base}/Users?count=0`, { headers })).json()) as { totalResults: number };
    expect(list.totalResults).toBe(61);

    const metrics = await (await fetch(`${url}/metrics`)).text();
    expect(counterSum(metrics, 'rosterd_scim_requests_total', ['method="POST"', 'status="201"'])).toBe(61);
    expect(counterSum(metrics, 'rosterd_scim_requests_total', ['method="POST"', 'status="409"'])).toBe(9);

    gateway.child.kill('SIGTERM');
    expect(await gateway.exited).toBe(0);
    const lines = gateway.output().stdout.split('\n').filter((line) => line.startsWith('{')).map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(lines.filter((l) => l.msg === 'rosterd is listening').map((l) => l.worker).sort()).toEqual([0, 1]);
    expect(lines.filter((l) => l.msg === 'shut down').length).toBe(3);
  });

  if (dialect === 'sqlite') {
    it('replaces a worker that dies, and keeps serving meanwhile', async () => {
      const gateway = startCli([], env);
      const banner = await gateway.ready;
      const url = /rosterd is listening on (\S+)/.exec(banner)![1]!;
      const [victim] = childrenOf(gateway.child.pid!);
      process.kill(victim!, 'SIGKILL');
      await waitFor('the primary to replace the killed worker', () => gateway.output().stdout.includes('worker exited; starting a new one'));
      expect((await fetch(`${url}/healthz`)).status).toBe(200);
      let workers: number[] = [];
      // The replacement says it listens after the primary said it replaces the dead worker.
      const listeningAgain = () => {
        const out = gateway.output().stdout;
        return out.indexOf('"msg":"rosterd is listening"', out.indexOf('worker exited; starting a new one')) >= 0;
      };
      await waitFor('two workers listening again', () => {
        workers = childrenOf(gateway.child.pid!);
        return workers.length === 2 && !workers.includes(victim!) && listeningAgain();
      }, 60_000, 100);
      expect(workers).toHaveLength(2);
      expect(workers).not.toContain(victim);
      gateway.child.kill('SIGTERM');
      expect(await gateway.exited).toBe(0);
    });

    it('exits with the worker\'s one-line error when the workers cannot start', async () => {
      const gateway = startCli([], { ...env, ROSTERD_HOST: '203.0.113.1' });
      await expect(gateway.ready).rejects.toThrow(/exited with 1/);
      expect(gateway.output().stderr).toMatch(/^rosterd: cannot listen on 203\.0\.113\.1:0: .*\[ROSTERD_E_LISTEN\]\n/m);
      expect(childrenOf(gateway.child.pid!)).toHaveLength(0);
    });
  }
});
