import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createWorkspace } from '../../src/admin/create-workspace.js';
import { findMemberByExternalId } from '../../src/store/member-repository.js';
import { OktaHarness } from '../contract/okta-harness.js';
import { oktaBindingYaml } from '../support/binding-yaml.js';
import { assertBuilt, startCli } from '../support/run-cli.js';
import { openTestStore, type TestStore } from '../support/test-store.js';

interface RunRow {
  instance: string;
  result: string;
  error: string | null;
  started_at: string;
  finished_at: string | null;
}

/** A holder id is host:pid:random; the pid says which daemon made a run. */
const pidOf = (instance: string) => Number(instance.split(':').at(-2));

/**
 * Two `rosterd start` processes on one PostgreSQL schema, one Okta binding due every second, a 3 s lease: the
 * binding runs on one instance at a time, and when that instance is killed mid-cycle (no chance to clean up) the
 * other takes the schedule over once the lease has expired, and closes the run the dead one left open.
 */
describe('two daemons on one PostgreSQL database', () => {
  const okta = new OktaHarness();
  const dir = mkdtempSync(path.join(tmpdir(), 'rosterd-failover-'));
  const configPath = path.join(dir, 'rosterd.yaml');
  let db: TestStore;
  const daemons: ReturnType<typeof startCli>[] = [];

  const runs = async (): Promise<RunRow[]> =>
    (await db.store.db.selectFrom('sync_run').select(['instance', 'result', 'error', 'started_at', 'finished_at']).where('workspace_id', '=', 'acme').orderBy('started_at').orderBy('id').execute()) as RunRow[];
  /** Poll the runs until `done` holds; generous, since two daemons and the test share two slow cores. */
  const until = async (what: string, done: (rows: RunRow[]) => boolean, deadlineMs = 60_000): Promise<RunRow[]> => {
    const deadline = Date.now() + deadlineMs;
    for (;;) {
      const rows = await runs();
      if (done(rows)) return rows;
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}; runs: ${JSON.stringify(rows)}`);
      await sleep(100);
    }
  };

  beforeAll(async () => {
    assertBuilt();
    await okta.start();
    for (const [id, role] of [['u-1', 'admin'], ['u-2', 'viewer']] as const) {
      okta.addUser({ id, userName: `${id}@example.test`, email: `${id}@example.test` });
      okta.assignUser(id, role);
    }
    db = await openTestStore('postgres');
    await createWorkspace(db.store.db, { id: 'acme', version: 'v2', now: new Date().toISOString() });
    writeFileSync(
      configPath,
      [
        `database: "${db.url}?schema=${db.schema}"`,
        'log: { level: info, requests: false }',
        // The workspace exists already; two first starts must not both try to create one.
        'bootstrap: { workspace: null }',
        'daemon: { leaseTtlSeconds: 3 }',
        'connectors:',
        ...oktaBindingYaml(okta, 'acme', '{}', ['schedule: "* * * * * *"']),
        '',
      ].join('\n'),
    );
  });
  afterAll(async () => {
    for (const daemon of daemons) if (daemon.child.exitCode === null && daemon.child.signalCode === null) daemon.child.kill('SIGKILL');
    await Promise.all(daemons.map((daemon) => daemon.exited));
    await okta.stop();
    await db.cleanup();
    rmSync(dir, { recursive: true, force: true });
  });

  it('never runs the binding on both at once, and a killed leader is replaced after the lease expires', async () => {
    const env = { ROSTERD_CONFIG: configPath, ROSTERD_PORT: '0', OKTA_API_TOKEN: okta.fake.apiToken };
    daemons.push(startCli([], env), startCli([], env));
    await Promise.all(daemons.map((daemon) => daemon.ready));
    const pids = daemons.map((daemon) => daemon.child.pid!);

    // Both are up and ticking every second; one of them leads: three cycles in a row are its, while the other's
    // ticks find the lease held.
    const bothUp = new Date().toISOString();
    const ledBy = (rows: RunRow[]) => {
      const last = rows.filter((r) => r.started_at > bothUp && r.finished_at).slice(-3);
      return last.length === 3 && last.every((r) => r.instance === last[0]!.instance) ? last[0]!.instance : null;
    };
    const before = await until('three cycles in a row on one daemon with both up', (rows) => ledBy(rows) !== null);
    const leader = ledBy(before)!;
    for (const run of before) expect(pids).toContain(pidOf(run.instance));
    expect(await findMemberByExternalId(db.store.db, 'acme', 'u-2')).toMatchObject({ userName: 'u-2@example.test', role: 'viewer' });

    // The leader dies mid-cycle without a word: its next request to Okta is held unanswered, so its run is still
    // open when it is killed. No release, no finished run: its lease simply stops being renewed.
    const requestsBefore = okta.requestCount();
    okta.fake.faults.add({ status: 'timeout', count: 1 });
    while (okta.requestCount() === requestsBefore) await sleep(50);
    const [open] = await until('the held cycle\'s open run', (rows) => rows.some((r) => r.result === 'running'), 10_000).then((rows) => rows.filter((r) => r.result === 'running'));
    expect(open!.instance).toBe(leader);
    const victim = daemons[pids.indexOf(pidOf(leader))]!;
    const survivor = daemons[1 - pids.indexOf(pidOf(leader))]!;
    victim.child.kill('SIGKILL');
    await victim.exited;
    const killedAt = new Date().toISOString();

    await until('two finished runs of the other daemon after the kill', (rows) => rows.filter((r) => r.started_at > killedAt && r.finished_at && r.instance !== leader).length >= 2);
    survivor.child.kill('SIGTERM');
    expect(await survivor.exited).toBe(0);

    // Runs of the binding never overlapped: each ended before the next began, whichever instance ran it.
    const all = await runs();
    for (let i = 1; i < all.length; i++) {
      expect(all[i - 1]!.finished_at! <= all[i]!.started_at, `run ${i - 1} ${JSON.stringify(all[i - 1])} overlaps run ${i} ${JSON.stringify(all[i])}`).toBe(true);
    }
    // Nothing is left running: the survivor, taking the lease over, recorded the killed leader's open run as failed.
    expect(all.filter((r) => r.result === 'running')).toEqual([]);
    const abandoned = all.find((r) => r.started_at === open!.started_at && r.instance === leader)!;
    expect(abandoned).toMatchObject({ result: 'failed', error: expect.stringMatching(/^abandoned: its instance stopped before the run ended/) });
    const taken = all.filter((r) => r.started_at > killedAt);
    expect(taken.length).toBeGreaterThanOrEqual(2);
    expect(taken.every((r) => r.instance !== leader && ['applied', 'no_changes'].includes(r.result))).toBe(true);
    expect(survivor.output().stdout).toContain('"msg":"recorded runs left open by an instance that stopped as failed"');
  });
});
