import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { FloorResult } from './connector/client-process.js';
import type { FakeStats, StartResult } from './connector/fake-process.js';
import { Child, type ProcessStats } from './connector/ipc.js';
import { makePlan, type ChangePlan } from './connector/plan.js';
import { summarizeProfileFile } from './cpu-profile-summary.js';
import { entraBinding } from './reconcile/binding.js';
import type { CycleResult, OpenRequest } from './reconcile/client-process.js';
import { prepareDatabase, type BenchDatabase, type Dialect } from './reconcile/database.js';
import { renderReconcileTable } from './reconcile/render.js';
import { INCREMENTAL_TARGET, TARGETS } from './reconcile/targets.js';
import { fakeTls, type FakeTls } from './reconcile/tls.js';
import { cpuSnapshot, cpuUsageSince, repoRoot, waitForQuiet } from './server-process.js';

/**
 * Reconcile benchmark: a full pull cycle, `reconcile()` with the Entra binding, against the fake
 * Graph (pages of 999) holding N assigned users, into a fresh SQLite file or PostgreSQL schema. Per size and
 * dialect, a fake process is seeded with the connector benchmark's plan (connector/fake-process.ts), then:
 *   floor        the connector benchmark's floor client: the same pages with plain fetch + JSON.parse;
 *   full         a client process (reconcile/client-process.ts) runs mode full from an empty store, and the
 *                store must then hold the plan's N members, roles, groups and memberships;
 *   incremental  100 users change in the fake (50 updated, 25 unassigned, 25 deleted), then mode auto from
 *                the saved delta cursor: exactly those updates and deactivations;
 *   quiet        mode auto again, nothing changed in the IdP: the delta read and the drift check, nothing to do;
 *   drifted      another source writes 1,000 of the binding's members (a new version, the same values) and 100 users'
 *                records say the policy refused them; mode auto: the drift check plans those 1,100 again, finds
 *                them matching, and reports what it cost;
 *   again        mode full once more: nothing to do.
 * The client's peak RSS (ru_maxrss) after the full cycle is the one held to the target. Timings are reported,
 * not asserted; a wrong store or outcome makes the exit code 1. BENCH_PROF=1 also runs the first dialect's smallest size's
 * full cycle once more under the V8 CPU profiler (a process and a database of its own, before the measured run)
 * and summarises it; BENCH_PROF=full,incremental,again (or all) picks the cycles: the incremental and the second
 * full cycle are profiled in place, in the measured run, and their times are marked as such.
 *
 * Environment: BENCH_RECONCILE_MEMBERS (100000,1000000), BENCH_RECONCILE_DIALECTS (sqlite,postgres),
 * BENCH_RECONCILE_CHANGES (100), BENCH_RECONCILE_QUIET_REPEAT (5), BENCH_POSTGRES_URL, BENCH_QUIET_WAIT (10), BENCH_PROF.
 */

const here = path.dirname(fileURLToPath(import.meta.url));
const log = (line: string) => process.stderr.write(`${line}\n`);

export interface ReconcileBenchOptions {
  sizes: number[];
  dialects: Dialect[];
  changes: number;
  /** Quiet cycles run in a row; the shortest is reported. */
  quietRepeat: number;
  postgresUrl: string;
  quietWaitMs: number;
  /** Cycles of the first dialect's smallest size to profile. */
  profile: ProfiledCycle[];
  resultsDir: string;
}

export type ProfiledCycle = 'full' | 'incremental' | 'quiet' | 'drifted' | 'again';
const CYCLES: readonly ProfiledCycle[] = ['full', 'incremental', 'quiet', 'drifted', 'again'];

export interface Measured<T> {
  result: T;
  /** Wall time seen from here (the client's own clock is `result.seconds`). */
  wallSeconds: number;
  clientCpuSeconds: number;
  fakeCpuSeconds: number;
  /** Requests the fake served during the phase. */
  requests: number;
  /** PostgreSQL's processes, % of one core. */
  postgresPercent: number;
  /** Every other process (neither this one, the fake, the client nor PostgreSQL), % of one core. */
  otherPercent: number;
}

export interface RunReport {
  members: number;
  dialect: Dialect;
  skipped?: string;
  seedSeconds?: number;
  floor?: Measured<FloorResult> & { firstSeconds: number };
  /** The floor of an incremental cycle with nothing to report: its requests with plain fetch, seconds. */
  incrementalFloor?: number;
  full?: Measured<CycleResult>;
  incremental?: Measured<CycleResult> & { planned: { updated: number; unassigned: number; deleted: number } };
  quiet?: Measured<CycleResult>;
  /** Every quiet cycle's time; `quiet` is the shortest. */
  quietSeconds?: number[];
  drifted?: Measured<CycleResult> & { written: number; refused: number };
  again?: Measured<CycleResult>;
  fakePeakRss?: number;
  profiles: { cycle: ProfiledCycle; file: string; seconds: number; summary: string }[];
  failures: string[];
  error?: string;
}

function profiledCycles(raw: string | undefined): ProfiledCycle[] {
  if (!raw || raw === '0') return [];
  if (raw === '1') return ['full'];
  if (raw === 'all') return [...CYCLES];
  const cycles = raw.split(',').map((c) => c.trim());
  for (const c of cycles) if (!(CYCLES as readonly string[]).includes(c)) throw new Error(`BENCH_PROF: expected 1, all or cycles among ${CYCLES.join(', ')}, got "${raw}"`);
  return cycles as ProfiledCycle[];
}

export function reconcileOptionsFromEnv(env: NodeJS.ProcessEnv = process.env): ReconcileBenchOptions {
  const list = (name: string, fallback: string) => (env[name] || fallback).split(',').map((s) => s.trim()).filter(Boolean);
  const sizes = list('BENCH_RECONCILE_MEMBERS', '100000,1000000').map((s) => {
    const n = Number(s.replace(/_/g, ''));
    if (!Number.isInteger(n) || n < 200) throw new Error(`BENCH_RECONCILE_MEMBERS: expected integers ≥ 200, got "${s}"`);
    return n;
  });
  const dialects = list('BENCH_RECONCILE_DIALECTS', 'sqlite,postgres');
  for (const d of dialects) if (d !== 'sqlite' && d !== 'postgres') throw new Error(`BENCH_RECONCILE_DIALECTS: expected sqlite and/or postgres, got "${d}"`);
  const number = (name: string, fallback: number) => {
    const value = Number(env[name] || fallback);
    if (!Number.isFinite(value) || value < 0) throw new Error(`${name}: expected a non-negative number, got "${env[name]}"`);
    return value;
  };
  return {
    sizes,
    dialects: dialects as Dialect[],
    changes: Math.floor(number('BENCH_RECONCILE_CHANGES', 100)),
    quietRepeat: Math.max(1, Math.floor(number('BENCH_RECONCILE_QUIET_REPEAT', 5))),
    postgresUrl: env.BENCH_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/test',
    quietWaitMs: number('BENCH_QUIET_WAIT', 10) * 1000,
    profile: profiledCycles(env.BENCH_PROF),
    resultsDir: path.join(repoRoot, 'bench/results'),
  };
}

async function measure<T>(fake: Child, client: Child, run: () => Promise<T>): Promise<Measured<T>> {
  const f0 = await fake.call<FakeStats>('stats');
  const c0 = await client.call<ProcessStats>('stats');
  const before = cpuSnapshot(fake.pid);
  const t0 = performance.now();
  const result = await run();
  const wallSeconds = (performance.now() - t0) / 1000;
  const usage = cpuUsageSince(before);
  const f1 = await fake.call<FakeStats>('stats');
  const c1 = await client.call<ProcessStats>('stats');
  const clientCpuSeconds = c1.cpuSeconds - c0.cpuSeconds;
  return {
    result,
    wallSeconds,
    clientCpuSeconds,
    fakeCpuSeconds: usage.serverSeconds,
    requests: f1.requests - f0.requests,
    postgresPercent: usage.postgres,
    // cpuUsageSince counts this process and the fake apart; the client is still in its "other".
    otherPercent: Math.max(0, usage.other - Math.round((100 * clientCpuSeconds) / wallSeconds)),
  };
}

/** The child processes of one run, all stopped at its end whatever happens. */
class Children {
  private readonly all: Child[] = [];
  start(name: string, script: string, env: NodeJS.ProcessEnv): Child {
    const child = new Child(name, path.join(here, script), env);
    this.all.push(child);
    return child;
  }
  async stopAll(): Promise<void> {
    await Promise.all(this.all.map((c) => c.stop()));
  }
}

/** Databases not dropped yet: a SIGINT or SIGTERM drops them before exiting (a 1,000,000-member one is gigabytes). */
const live = new Set<BenchDatabase>();
function dropOnSignal(signal: NodeJS.Signals, tls: FakeTls): void {
  process.once(signal, () => {
    log(`${signal}: dropping ${live.size} benchmark database(s) …`);
    tls.cleanup();
    void Promise.allSettled([...live].map((db) => db.drop())).then(() => process.exit(signal === 'SIGINT' ? 130 : 143));
  });
}

/** The fake's heap: a directory of 1,000,000 users needs more than V8's default. */
const FAKE_ENV = { ...process.env, NODE_OPTIONS: `${process.env.NODE_OPTIONS ?? ''} --max-old-space-size=16384`.trim() };

async function benchRun(members: number, dialect: Dialect, options: ReconcileBenchOptions, tls: FakeTls, profile: readonly ProfiledCycle[], stamp: string): Promise<RunReport> {
  const report: RunReport = { members, dialect, failures: [], profiles: [] };
  const profileFile = (cycle: ProfiledCycle) => (profile.includes(cycle) ? path.join(options.resultsDir, `reconcile-${stamp}-${dialect}-${members}-${cycle}.cpuprofile`) : undefined);
  const summarize = (cycle: ProfiledCycle, file: string | undefined, seconds: number) => {
    if (file) report.profiles.push({ cycle, file, seconds, summary: summarizeProfileFile(file, repoRoot, 30) });
  };
  const label = `${members.toLocaleString('en-US')} members, ${dialect}`;
  const children = new Children();
  const databases: BenchDatabase[] = [];
  const database = async () => {
    const db = await prepareDatabase(dialect, options.postgresUrl);
    databases.push(db);
    live.add(db);
    return db;
  };
  const clientEnv = { ...process.env, NODE_EXTRA_CA_CERTS: tls.bundle };
  try {
    let db: BenchDatabase;
    try {
      db = await database();
    } catch (error) {
      if (dialect !== 'postgres') throw error;
      report.skipped = `PostgreSQL at ${options.postgresUrl} is unreachable (${(error as Error).message}); skipped`;
      log(`\n${label}: ${report.skipped}`);
      return report;
    }
    log(`\n${label}: seeding the fake Graph …`);
    const fake = children.start('entra fake', 'connector/fake-process.js', FAKE_ENV);
    const started = await fake.call<StartResult>('start', { idp: 'entra', members, certDir: tls.certDir });
    if (started.target.idp !== 'entra') throw new Error('the fake is not Entra');
    const target = started.target;
    report.seedSeconds = started.seedSeconds;
    log(`  seeded ${started.users.toLocaleString('en-US')} users in ${started.seedSeconds.toFixed(1)} s; fake at ${target.origin}`);

    log('  floor: plain fetch + JSON.parse of the connector\'s pages (a warm-up read, then one measured) …');
    const floorClient = children.start('floor client', 'connector/client-process.js', clientEnv);
    const warmup = await floorClient.call<FloorResult>('floor', { target, members });
    if (options.quietWaitMs > 0) await waitForQuiet(options.quietWaitMs);
    const floor = await measure(fake, floorClient, () => floorClient.call<FloorResult>('floor', { target, members }));
    // The same for the requests an incremental cycle with nothing to report makes (after a warm-up of its own; the
    // shortest of as many as there are quiet cycles, as for them).
    await floorClient.call<FloorResult>('incrementalFloor', { target, members });
    const incrementalFloors: number[] = [];
    for (let i = 0; i < options.quietRepeat; i++) incrementalFloors.push((await floorClient.call<FloorResult>('incrementalFloor', { target, members })).seconds);
    report.incrementalFloor = Math.min(...incrementalFloors);
    await floorClient.stop();
    report.floor = { ...floor, firstSeconds: warmup.seconds };
    report.failures.push(...[...warmup.problems, ...floor.result.problems].map((p) => `floor: ${p}`));
    log(`    warm-up ${warmup.seconds.toFixed(2)} s, measured ${floor.result.seconds.toFixed(2)} s; ${floor.result.requests} requests, ${(floor.result.bytes / 1024 / 1024).toFixed(0)} MB; an incremental cycle's requests ${report.incrementalFloor?.toFixed(2)} s`);

    const binding = entraBinding(target);
    const open = (d: BenchDatabase): OpenRequest => ({ url: d.url, ...(d.schema ? { schema: d.schema } : {}), binding, members });

    const file = profileFile('full');
    if (file) {
      log(`  profiled full reconcile (V8 CPU profiler, a new process and a database of its own; not the measured run) → ${path.relative(process.cwd(), file)} …`);
      const profDb = await database();
      const profClient = children.start('profiled reconcile client', 'reconcile/client-process.js', clientEnv);
      await profClient.call('open', open(profDb));
      const profiled = await profClient.call<CycleResult>('full', { profileFile: file });
      report.failures.push(...profiled.problems.map((p) => `profiled full: ${p}`));
      await profClient.call('close');
      await profClient.stop();
      summarize('full', file, profiled.seconds);
      log(`    ${profiled.seconds.toFixed(1)} s under the profiler`);
    }

    const client = children.start('reconcile client', 'reconcile/client-process.js', clientEnv);
    await client.call('open', open(db));
    if (options.quietWaitMs > 0) await waitForQuiet(options.quietWaitMs);
    log('  full reconcile from an empty store …');
    const full = await measure(fake, client, () => client.call<CycleResult>('full'));
    report.full = full;
    report.failures.push(...full.result.problems.map((p) => `full: ${p}`));
    log(`    ${full.result.seconds.toFixed(1)} s (plan ${full.result.planSeconds.toFixed(1)} s + apply ${full.result.applySeconds.toFixed(1)} s), peak RSS ${Math.round(full.result.stats.maxRss / 1024 / 1024)} MB; ${full.result.outcome.message}` +
      (full.result.problems.length ? `\n    PROBLEMS: ${full.result.problems.join('; ')}` : ''));

    if (full.result.outcome.result === 'applied' && options.changes > 0) {
      const planned = await fake.call<ChangePlan>('change', { count: options.changes });
      const incProfile = profileFile('incremental');
      report.incremental = { ...(await measure(fake, client, () => client.call<CycleResult>('incremental', { planned, profileFile: incProfile }))), planned: { updated: planned.updated.length, unassigned: planned.unassigned.length, deleted: planned.deleted.length } };
      const inc = report.incremental.result;
      summarize('incremental', incProfile, inc.seconds);
      report.failures.push(...inc.problems.map((p) => `incremental: ${p}`));
      log(`  incremental (${options.changes} changed in the fake): ${inc.seconds.toFixed(2)} s; ${inc.outcome.message}` + (inc.problems.length ? `\n    PROBLEMS: ${inc.problems.join('; ')}` : ''));

      // The shortest of a few: one such cycle is about a second, and a second on this kind of machine is noisy.
      const quietProfile = profileFile('quiet');
      const quietRuns: Measured<CycleResult>[] = [];
      for (let i = 0; i < (quietProfile ? 1 : options.quietRepeat); i++) quietRuns.push(await measure(fake, client, () => client.call<CycleResult>('quiet', { profileFile: quietProfile })));
      report.quiet = quietRuns.reduce((best, run) => (run.result.seconds < best.result.seconds ? run : best));
      report.quietSeconds = quietRuns.map((run) => run.result.seconds);
      const quiet = report.quiet.result;
      summarize('quiet', quietProfile, quiet.seconds);
      report.failures.push(...quiet.problems.map((p) => `quiet: ${p}`));
      log(`  incremental, nothing changed: ${quiet.seconds.toFixed(2)} s, the shortest of ${report.quietSeconds.map((x) => x.toFixed(2)).join(', ')} (drift check ${((quiet.outcome.driftCheck?.seconds ?? 0) * 1000).toFixed(0)} ms); ${quiet.outcome.message}` + (quiet.problems.length ? `\n    PROBLEMS: ${quiet.problems.join('; ')}` : ''));

      const drift = { written: 1000, refused: 100 };
      const driftedProfile = profileFile('drifted');
      report.drifted = { ...(await measure(fake, client, () => client.call<CycleResult>('drifted', { ...drift, profileFile: driftedProfile }))), ...drift };
      const drifted = report.drifted.result;
      summarize('drifted', driftedProfile, drifted.seconds);
      report.failures.push(...drifted.problems.map((p) => `drifted: ${p}`));
      log(`  incremental, ${drift.written} members written elsewhere and ${drift.refused} records refused: ${drifted.seconds.toFixed(2)} s (drift check of ${drifted.outcome.driftCheck?.members ?? 0}: ${((drifted.outcome.driftCheck?.seconds ?? 0) * 1000).toFixed(0)} ms); ${drifted.outcome.message}` + (drifted.problems.length ? `\n    PROBLEMS: ${drifted.problems.join('; ')}` : ''));

      const againProfile = profileFile('again');
      report.again = await measure(fake, client, () => client.call<CycleResult>('again', { planned, profileFile: againProfile }));
      const again = report.again.result;
      summarize('again', againProfile, again.seconds);
      report.failures.push(...again.problems.map((p) => `again: ${p}`));
      log(`  full again, nothing changed: ${again.seconds.toFixed(1)} s; ${again.outcome.message}` + (again.problems.length ? `\n    PROBLEMS: ${again.problems.join('; ')}` : ''));
    }
    await client.call('close');
    report.fakePeakRss = (await fake.call<FakeStats>('stats')).maxRss;
  } catch (error) {
    report.error = (error as Error).stack ?? String(error);
    report.failures.push(`crashed: ${(error as Error).message.split('\n')[0]}`);
    log(`  ERROR: ${report.error}`);
  } finally {
    await children.stopAll();
    for (const db of databases) {
      await db.drop().catch((e: unknown) => log(`  could not drop ${db.schema ?? db.url}: ${(e as Error).message}`));
      live.delete(db);
    }
  }
  return report;
}

export interface ReconcileBenchResult {
  reports: RunReport[];
  file: string;
  ok: boolean;
  text: string;
}

export async function runReconcileBench(options: ReconcileBenchOptions = reconcileOptionsFromEnv()): Promise<ReconcileBenchResult> {
  const startedAt = new Date();
  const stamp = startedAt.toISOString().replace(/[:.]/g, '-');
  const cpu = os.cpus();
  log(`rosterd reconcile benchmark: ${cpu.length} × ${cpu[0]?.model ?? 'cpu'}, Node ${process.version}; ${options.sizes.map((n) => n.toLocaleString('en-US')).join(' and ')} assigned members ` +
    `on ${options.dialects.join(' and ')}; the Entra connector against the fake Graph; ${options.changes} changes for the incremental cycle`);
  const source = sourceState();
  const edited = source?.modified.filter((line) => /\s(src|connectors|migrations)\//.test(line)) ?? [];
  const sourceLine = source ? `source: ${source.commit.slice(0, 7)}${edited.length ? ` with uncommitted changes to ${edited.map((l) => l.slice(3)).join(', ')}` : ''}` : 'source: unknown';
  log(sourceLine);
  mkdirSync(options.resultsDir, { recursive: true });
  const tls = fakeTls();
  dropOnSignal('SIGINT', tls);
  dropOnSignal('SIGTERM', tls);
  const reports: RunReport[] = [];
  const profiledSize = Math.min(...options.sizes);
  const file = path.join(options.resultsDir, `reconcile-${stamp}.json`);
  // Written after every run, so a run killed at 1,000,000 members keeps what was measured before.
  const save = () => {
    const output = {
      startedAt: startedAt.toISOString(),
      source,
      machine: { cpus: cpu.length, model: cpu[0]?.model, memoryBytes: os.totalmem(), node: process.version, platform: `${os.platform()} ${os.release()}` },
      settings: { ...options, plans: options.sizes.map(makePlan) },
      targets: { full: TARGETS, incremental: INCREMENTAL_TARGET },
      runs: reports,
    };
    writeFileSync(file, `${JSON.stringify(output, null, 2)}\n`);
  };
  try {
    for (const members of options.sizes) {
      for (const dialect of options.dialects) {
        const profile = dialect === options.dialects[0] && members === profiledSize && !reports.some((r) => r.profiles.length > 0) ? options.profile : [];
        reports.push(await benchRun(members, dialect, options, tls, profile, stamp));
        save();
      }
    }
  } finally {
    tls.cleanup();
  }
  const ok = reports.every((r) => r.failures.length === 0);
  return { reports, file, ok, text: `${renderReconcileTable(options, reports)}\n${sourceLine}\nresults: ${path.relative(process.cwd(), file)}\n` };
}

/** The commit measured and the files that differed from it (others may be editing src/ while this runs). */
function sourceState(): { commit: string; modified: string[] } | null {
  try {
    const git = (...args: string[]) => execFileSync('git', args, { cwd: process.cwd(), encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
    // Porcelain lines start with a two-letter status that may begin with a space: only line ends are trimmed.
    return { commit: git('rev-parse', 'HEAD').trim(), modified: git('status', '--porcelain').split('\n').map((l) => l.trimEnd()).filter(Boolean) };
  } catch {
    return null;
  }
}

const isMain = process.argv[1] !== undefined && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href;
if (isMain) {
  runReconcileBench().then(
    (result) => {
      process.stdout.write(result.text);
      process.exitCode = result.ok ? 0 : 1;
    },
    (error: unknown) => {
      process.stderr.write(`reconcile bench crashed: ${(error as Error).stack ?? String(error)}\n`);
      process.exitCode = 1;
    },
  );
}
