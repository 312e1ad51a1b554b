import { mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { sql } from 'kysely';
import type { Store } from '../src/store/store.js';
import { benchDatabase, type Dialect } from './bench-database.js';
import { connectorOptionsFromEnv, runConnectorBench } from './connector-snapshot.js';
import { measureEventLogCost, type EventLogCost } from './event-log-cost.js';
import { noisyOptionsFromEnv, runNoisyNeighbourBench } from './noisy-neighbour-bench.js';
import { reconcileOptionsFromEnv, runReconcileBench } from './reconcile-bench.js';
import { summarizeProfileFile } from './cpu-profile-summary.js';
import { oneCoreOptionsFromEnv, runOneCoreBench } from './one-core-bench.js';
import { describeStartTimes, measureStartTimes } from './start-time.js';
import { runWebhookBench, webhookOptionsFromEnv } from './webhook-bench.js';
import { runPacedInProcess } from './run-paced-in-process.js';
import { seedWorkspace } from './seed.js';
import { repoRoot, startCeilingProcess, startGatewayProcess, waitForQuiet, type GatewayProcess } from './server-process.js';
import {
  DEFAULT_LOAD,
  ceilingWorkload,
  externalIdLookup,
  getById,
  patchEntra,
  patchRfc,
  postUser,
  runGroupPatch,
  runLoad,
  scimHeaders,
  userNameLookup,
  type GroupPatchResult,
  type HttpWorkload,
  type LoadResult,
  type LoadSettings,
} from './workloads.js';

/**
 * `npm run bench`: seed 100,000 members, start the built gateway, load it with autocannon over 127.0.0.1,
 * on SQLite and PostgreSQL, next to a plain Fastify route (the machine's HTTP ceiling). Numbers are
 * reported, not asserted: the process exits 0 unless something crashed.
 *
 * Environment: BENCH_MEMBERS (100000), BENCH_DURATION seconds per workload (10), BENCH_WARMUP (2),
 * BENCH_CONNECTIONS (32), BENCH_DIALECTS (sqlite,postgres), BENCH_WORKLOADS (keys, comma-separated: all),
 * BENCH_POSTGRES_URL (postgres://postgres@127.0.0.1:5432/test), BENCH_PROF=1 (node --cpu-prof the gateway
 * and print its hot spots), BENCH_WORKERS (2: the gateway's server.workers, one per core of this machine).
 *
 * Then the connector benchmark (connector-snapshot.ts: the fake IdPs and the real Entra and Okta connectors
 * with 100,000 assigned members); BENCH_SKIP_CONNECTORS=1 skips it. Then the reconcile benchmark
 * (reconcile-bench.ts: full and incremental pull cycles against the fake Graph, 100,000 and 1,000,000 members);
 * BENCH_SKIP_RECONCILE=1 skips it. Then the noisy-neighbour benchmark (noisy-neighbour-bench.ts: one tenant's heaviest
 * requests against another's reads by id); BENCH_SKIP_NOISY=1 skips it. BENCH_ONLY=scim|connectors|reconcile|noisy|start runs one part (start: npm start's build check and time to listening).
 * A connector read or a reconcile that returns wrong members or counts also makes the exit code 1.
 */

const env = process.env;
const intEnv = (name: string, fallback: number): number => {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value) || value < 0) throw new Error(`${name}: expected a non-negative number, got "${raw}"`);
  return value;
};

const MEMBERS = Math.floor(intEnv('BENCH_MEMBERS', 100_000));
const LOAD: LoadSettings = {
  duration: intEnv('BENCH_DURATION', DEFAULT_LOAD.duration),
  warmup: intEnv('BENCH_WARMUP', DEFAULT_LOAD.warmup),
  connections: Math.floor(intEnv('BENCH_CONNECTIONS', DEFAULT_LOAD.connections)),
  pipelining: DEFAULT_LOAD.pipelining,
};
const DIALECTS = (env.BENCH_DIALECTS ?? 'sqlite,postgres').split(',').map((d) => d.trim()).filter(Boolean) as Dialect[];
const ONLY = env.BENCH_WORKLOADS ? new Set(env.BENCH_WORKLOADS.split(',').map((w) => w.trim())) : null;
const POSTGRES_URL = env.BENCH_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const PROFILE = env.BENCH_PROF === '1';
const QUIET_WAIT_MS = intEnv('BENCH_QUIET_WAIT', 10) * 1000;
// As an operator of a 2-core machine would run it: `server.workers: auto` gives one HTTP worker per core.
const WORKERS = Math.max(1, Math.floor(intEnv('BENCH_WORKERS', 2)));
const ONLY_PART = env.BENCH_ONLY?.trim() || null;
if (ONLY_PART !== null && !['scim', 'connectors', 'reconcile', 'noisy', 'webhooks', 'start', 'one-core'].includes(ONLY_PART)) {
  throw new Error(`BENCH_ONLY: expected scim, connectors, reconcile, noisy, webhooks, start or one-core, got "${ONLY_PART}"`);
}
const RUN_SCIM = ONLY_PART === null || ONLY_PART === 'scim';
/** `npm start`'s time to listening (start-time.ts): with everything, or with BENCH_ONLY=start. */
const RUN_START = ONLY_PART === null || ONLY_PART === 'start';
const RUN_CONNECTORS = (ONLY_PART === null && env.BENCH_SKIP_CONNECTORS !== '1') || ONLY_PART === 'connectors';
const RUN_RECONCILE = (ONLY_PART === null && env.BENCH_SKIP_RECONCILE !== '1') || ONLY_PART === 'reconcile';
/** Read now, so a bad BENCH_CONNECTOR_* value fails before the SCIM part has run for minutes. */
const CONNECTOR_OPTIONS = RUN_CONNECTORS ? connectorOptionsFromEnv() : null;
const RECONCILE_OPTIONS = RUN_RECONCILE ? reconcileOptionsFromEnv() : null;
const RUN_NOISY = (ONLY_PART === null && env.BENCH_SKIP_NOISY !== '1') || ONLY_PART === 'noisy';
const NOISY_OPTIONS = RUN_NOISY ? noisyOptionsFromEnv() : null;
/** Webhook delivery (webhook-bench.ts): only with BENCH_ONLY=webhooks. */
const WEBHOOK_OPTIONS = ONLY_PART === 'webhooks' ? webhookOptionsFromEnv(env, DIALECTS, POSTGRES_URL) : null;
/** "other" CPU (processes that are neither the server, the generator nor PostgreSQL) above which a row is marked. */
const CONTENDED_PERCENT = 25;
const GROUP_MEMBERS = 10_000;
const GROUP_REPEATS = 3;
/** Off-then-on rounds of the event-log cost runs. */
const EVENT_LOG_ROUNDS = 3;

// The targets (2-core machine, SQLite, 100,000 members).
const TARGET = {
  lookup: { rps: 8_000, p99: 10, text: '≥8,000/s p99<10ms' },
  post: { rps: 2_000, text: '≥2,000/s' },
  patch: { rps: 3_000, text: '≥3,000/s' },
  group: { seconds: 2, text: '<2 s' },
};

interface WorkloadReport extends LoadResult {
  /** Peak VmRSS sampled during this workload, bytes. */
  peakRss: number;
  /** VmHWM after this workload: the server's lifetime peak so far, bytes. */
  hwm: number;
  /** Rows written during the measured run (Δ sum(version) over the workspace; a new row counts 1). */
  rowsWritten?: number;
  fractionOfCeiling: number | null;
  /**
   * Lookups: a second run offering exactly the target rate, evenly paced (paced-load.ts), over the same number of
   * connections. Its p99 is the latency while serving 8,000 req/s; the first run's is at saturation, where it is
   * queueing by definition. `failed`: non-2xx answers, errors and requests never answered.
   */
  atTarget?: { requestsPerSecond: number; p50: number; p99: number; failed: number };
  target: string;
  pass: boolean | null;
}

interface DialectReport {
  dialect: Dialect;
  skipped?: string;
  error?: string;
  members?: number;
  seedSeconds?: number;
  idleRss?: number;
  workloads: WorkloadReport[];
  groupPatch?: GroupPatchResult & { peakRss: number; hwm: number; pass: boolean | null };
  serverPeakRss?: number;
  profile?: string;
  /** Write throughput with the event log off and on (target: on ≥ 90% of off). */
  eventLog?: EventLogCost[];
}

const log = (line: string) => process.stderr.write(`${line}\n`);
const mb = (bytes: number | undefined) => (bytes === undefined || !Number.isFinite(bytes) ? '-' : `${Math.round(bytes / 1024 / 1024)} MB`);

async function main(): Promise<number> {
  let failed = false;
  if (RUN_SCIM) failed = (await benchScim()) || failed;
  if (CONNECTOR_OPTIONS) {
    const result = await runConnectorBench(CONNECTOR_OPTIONS).catch((error: unknown) => {
      log(`connector benchmark crashed: ${(error as Error).stack ?? String(error)}`);
      return null;
    });
    if (result) process.stdout.write(result.text);
    failed = failed || !result?.ok;
  }
  if (RECONCILE_OPTIONS) {
    const result = await runReconcileBench(RECONCILE_OPTIONS).catch((error: unknown) => {
      log(`reconcile benchmark crashed: ${(error as Error).stack ?? String(error)}`);
      return null;
    });
    if (result) process.stdout.write(result.text);
    failed = failed || !result?.ok;
  }
  if (NOISY_OPTIONS) {
    const result = await runNoisyNeighbourBench(NOISY_OPTIONS).catch((error: unknown) => {
      log(`noisy-neighbour benchmark crashed: ${(error as Error).stack ?? String(error)}`);
      return null;
    });
    if (result) process.stdout.write(result.text);
    failed = failed || !result?.ok;
  }
  if (RUN_START) {
    const times = await measureStartTimes(3).catch((error: unknown) => {
      log(`start-time benchmark crashed: ${(error as Error).stack ?? String(error)}`);
      return null;
    });
    if (times) process.stdout.write(describeStartTimes(times));
    failed = failed || !times;
  }
  if (ONLY_PART === 'one-core') {
    // Pins this process to one core: it runs alone, never beside the other parts.
    const text = await runOneCoreBench(oneCoreOptionsFromEnv(env, DIALECTS, POSTGRES_URL, PROFILE, log)).catch((error: unknown) => {
      log(`one-core benchmark crashed: ${(error as Error).stack ?? String(error)}`);
      return null;
    });
    if (text) process.stdout.write(text);
    failed = failed || !text;
  }
  if (WEBHOOK_OPTIONS) {
    await runWebhookBench(WEBHOOK_OPTIONS, log).catch((error: unknown) => {
      log(`webhook benchmark crashed: ${(error as Error).stack ?? String(error)}`);
      failed = true;
    });
  }
  return failed ? 1 : 0;
}

/** The SCIM server workloads; true when something crashed. */
async function benchScim(): Promise<boolean> {
  const startedAt = new Date();
  const stamp = startedAt.toISOString().replace(/[:.]/g, '-');
  const resultsDir = path.join(repoRoot, 'bench/results');
  mkdirSync(resultsDir, { recursive: true });
  const cpu = os.cpus();
  log(`rosterd bench: ${cpu.length} × ${cpu[0]?.model ?? 'cpu'}, Node ${process.version}; ${MEMBERS.toLocaleString('en-US')} members; ` +
    `${LOAD.duration} s per workload after ${LOAD.warmup} s warm-up; ${LOAD.connections} connections, pipelining ${LOAD.pipelining}`);

  let crashed = false;
  let ceiling: LoadResult | null = null;
  let ceilingRss = 0;
  {
    log('ceiling: plain Fastify route …');
    const server = await startCeilingProcess();
    try {
      ceiling = await runLoad(server.url, {}, ceilingWorkload(), LOAD, { serverPid: server.pid, quietWaitMs: QUIET_WAIT_MS });
      ceilingRss = server.takeWindowPeak();
      log(`  ${Math.round(ceiling.requestsPerSecond)} req/s, p99 ${ceiling.latencyMs.p99} ms`);
    } finally {
      await server.stop();
    }
  }

  const reports: DialectReport[] = [];
  for (const dialect of DIALECTS) {
    const report = await benchDialect(dialect, ceiling, stamp, resultsDir).catch((error: unknown) => {
      crashed = true;
      return { dialect, error: (error as Error).stack ?? String(error), workloads: [] } satisfies DialectReport;
    });
    reports.push(report);
  }

  const output = {
    startedAt: startedAt.toISOString(),
    machine: { cpus: cpu.length, model: cpu[0]?.model, memoryBytes: os.totalmem(), node: process.version, platform: `${os.platform()} ${os.release()}` },
    settings: { members: MEMBERS, ...LOAD, groupMembers: GROUP_MEMBERS, groupRepeats: GROUP_REPEATS },
    targets: TARGET,
    ceiling: ceiling && { ...ceiling, peakRss: ceilingRss },
    dialects: reports,
  };
  const file = path.join(resultsDir, `${stamp}.json`);
  writeFileSync(file, `${JSON.stringify(output, null, 2)}\n`);
  process.stdout.write(`${renderTables(ceiling, ceilingRss, reports)}\nresults: ${path.relative(process.cwd(), file)}\n`);
  return crashed;
}

async function counters(store: Store, workspaceId: string): Promise<{ rows: number; versions: number }> {
  const row = await store.db
    .selectFrom('membership')
    .select((eb) => [eb.fn.countAll<number>().as('rows'), eb.fn.coalesce(eb.fn.sum<number>('version'), sql<number>`0`).as('versions')])
    .where('workspace_id', '=', workspaceId)
    .executeTakeFirstOrThrow();
  return { rows: Number(row.rows), versions: Number(row.versions) };
}

async function benchDialect(dialect: Dialect, ceiling: LoadResult | null, stamp: string, resultsDir: string): Promise<DialectReport> {
  log(`\n${dialect}: preparing database …`);
  const prepared = await benchDatabase(dialect, POSTGRES_URL);
  if (typeof prepared === 'string') {
    log(`  ${prepared}`);
    return { dialect, skipped: prepared, workloads: [] };
  }
  const report: DialectReport = { dialect, workloads: [] };
  let gateway: GatewayProcess | null = null;
  let gatewayDied = false;
  const profileDir = PROFILE ? path.join(resultsDir, `prof-${stamp}-${dialect}`) : undefined;
  try {
    log(`  seeding ${MEMBERS.toLocaleString('en-US')} members …`);
    const seed = await seedWorkspace(prepared.store, { members: MEMBERS, sampleSize: 20_000, groupMembers: GROUP_MEMBERS });
    report.members = seed.members;
    report.seedSeconds = seed.seconds;
    log(`  seeded in ${seed.seconds.toFixed(1)} s`);

    gateway = await startGatewayProcess({
      database: prepared.url,
      workers: WORKERS,
      ...(profileDir ? { cpuProfileDir: profileDir } : {}),
      onExit: () => {
        gatewayDied = true;
      },
    });
    report.idleRss = gateway.memory()?.rss;
    const target = { url: gateway.url, basePath: `/scim/v2/organizations/${seed.workspaceId}`, token: seed.token };
    const headers = scimHeaders(seed.token);
    // Two disjoint halves of the sample for the two PATCH forms, so each keeps its own false/true rhythm.
    const evens = seed.sample.ids.filter((_, i) => i % 2 === 0);
    const odds = seed.sample.ids.filter((_, i) => i % 2 === 1);
    const workloads: HttpWorkload[] = [
      userNameLookup(target.basePath, seed.sample),
      externalIdLookup(target.basePath, seed.sample),
      getById(target.basePath, seed.sample),
      postUser(target.basePath),
      patchEntra(target.basePath, evens),
      patchRfc(target.basePath, odds),
    ].filter((w) => !ONLY || ONLY.has(w.key));

    for (const workload of workloads) {
      if (gatewayDied) throw new Error(`the gateway exited during the run:\n${gateway.stderrTail()}`);
      log(`  ${workload.label} …`);
      gateway.takeWindowPeak();
      let before = { rows: 0, versions: 0 };
      const result = await runLoad(target.url, headers, workload, LOAD, {
        serverPid: gateway.pid,
        quietWaitMs: QUIET_WAIT_MS,
        beforeMeasure: async () => {
          before = await counters(prepared.store, seed.workspaceId);
          gateway!.takeWindowPeak();
        },
      });
      const after = await counters(prepared.store, seed.workspaceId);
      const written = after.versions - before.versions;
      let atTarget: WorkloadReport['atTarget'];
      // Below 90% of the target rate at saturation, a run offering the target would only measure an overload.
      if (workload.kind === 'lookup' && result.requestsPerSecond >= TARGET.lookup.rps * 0.9) {
        log(`    … and offered exactly ${TARGET.lookup.rps.toLocaleString('en-US')} req/s, evenly paced`);
        await waitForQuiet(QUIET_WAIT_MS);
        const paths = workload.rotation!('measure', 0, 1).map((r) => r.path);
        const paced = await runPacedInProcess({ url: target.url, headers, paths, settings: { rate: TARGET.lookup.rps, duration: LOAD.duration, warmup: LOAD.warmup, connections: LOAD.connections } });
        atTarget = { requestsPerSecond: paced.requestsPerSecond, p50: paced.latencyMs.p50, p99: paced.latencyMs.p99, failed: paced.non2xx + paced.errors };
        log(`    ${Math.round(paced.requestsPerSecond)} req/s, p50 ${paced.latencyMs.p50.toFixed(2)} ms, p99 ${paced.latencyMs.p99.toFixed(2)} ms, non-2xx ${paced.non2xx}, errors ${paced.errors}${paced.errorSamples.length ? `: ${paced.errorSamples[0]}` : ''}`);
        log(`    slowest 100 ms windows (s into the run: max ms, requests over 10 ms): ${paced.worstWindows.map((w) => `${w.atSecond.toFixed(1)}: ${w.maxMs.toFixed(1)}, ${w.over10Ms}`).join('; ')}`);
      }
      const wr = judge({
        ...result,
        peakRss: gateway.takeWindowPeak(),
        hwm: gateway.memory()?.hwm ?? NaN,
        ...(workload.kind === 'post' || workload.kind === 'patch' ? { rowsWritten: written } : {}),
        fractionOfCeiling: ceiling ? result.requestsPerSecond / ceiling.requestsPerSecond : null,
        ...(atTarget ? { atTarget } : {}),
        target: '',
        pass: null,
      });
      report.workloads.push(wr);
      log(`    ${Math.round(wr.requestsPerSecond)} req/s, p50 ${wr.latencyMs.p50} ms, p99 ${wr.latencyMs.p99} ms, non-2xx ${wr.non2xx}, errors ${wr.errors}` +
        (wr.probe ? `\n    PROBE: ${wr.probe}` : '') + (wr.errorSamples.length ? `\n    first non-2xx: ${wr.errorSamples[0]}` : ''));
    }

    if (!ONLY || ONLY.has('group-patch')) {
      if (gatewayDied) throw new Error(`the gateway exited during the run:\n${gateway.stderrTail()}`);
      log(`  group PATCH with ${seed.groupMemberIds.length.toLocaleString('en-US')} members × ${GROUP_REPEATS} …`);
      await waitForQuiet(QUIET_WAIT_MS);
      gateway.takeWindowPeak();
      const group = await runGroupPatch(target, seed.groupMemberIds, GROUP_REPEATS);
      const worst = Math.max(...group.addSeconds, ...group.removeSeconds);
      report.groupPatch = {
        ...group,
        peakRss: gateway.takeWindowPeak(),
        hwm: gateway.memory()?.hwm ?? NaN,
        pass: group.addSeconds.length === 0 || group.problems.length > 0 ? false : worst < TARGET.group.seconds,
      };
      log(`    add ${group.addSeconds.map((s) => s.toFixed(2)).join(' / ')} s; remove ${group.removeSeconds.map((s) => s.toFixed(2)).join(' / ')} s` +
        (group.problems.length ? `\n    PROBLEMS: ${group.problems.join('; ')}` : ''));
    }
    report.serverPeakRss = gateway.memory()?.hwm;

    if (!ONLY || ONLY.has('event-log')) {
      // Gateways of their own, one at a time: this one stops first.
      await gateway.stop();
      gateway = null;
      // npm start's one worker first, then the benchmark's own count.
      report.eventLog = [];
      for (const workers of new Set([1, WORKERS])) {
        log(`  what the event log costs the writes, ${workers} HTTP worker${workers === 1 ? '' : 's'}: ${EVENT_LOG_ROUNDS} rounds of off, then on …`);
        report.eventLog.push(
          ...(await measureEventLogCost({
            database: prepared.url,
            workers,
            basePath: target.basePath,
            token: seed.token,
            ids: odds,
            load: LOAD,
            rounds: EVENT_LOG_ROUNDS,
            quietWaitMs: QUIET_WAIT_MS,
            log,
          })),
        );
      }
    }
  } finally {
    if (gateway) {
      const code = await gateway.stop(PROFILE ? 60_000 : 10_000);
      if (code !== 0 && !gatewayDied) log(`  the gateway exited with code ${code}`);
      if (gatewayDied) report.error = `the gateway exited on its own:\n${gateway.stderrTail()}`;
    }
    await prepared.drop();
  }
  if (profileDir) {
    try {
      const files = readdirSync(profileDir).filter((f) => f.endsWith('.cpuprofile'));
      if (files.length) report.profile = summarizeProfileFile(profileDir, repoRoot, 30);
      log(report.profile ?? `  no .cpuprofile in ${profileDir}`);
    } catch (error) {
      log(`  could not read the CPU profile: ${(error as Error).message}`);
    }
  }
  return report;
}

function judge(w: WorkloadReport): WorkloadReport {
  const clean = w.non2xx === 0 && w.errors === 0 && w.probe === null;
  if (w.kind === 'lookup') {
    // Throughput at saturation; p99 while serving the target rate (see atTarget), every paced request answered.
    const paced = w.atTarget;
    return { ...w, target: TARGET.lookup.text, pass: clean && w.requestsPerSecond >= TARGET.lookup.rps && paced !== undefined && paced.failed === 0 && paced.p99 < TARGET.lookup.p99 };
  }
  if (w.kind === 'post') return { ...w, target: TARGET.post.text, pass: clean && w.requestsPerSecond >= TARGET.post.rps };
  if (w.kind === 'patch') return { ...w, target: TARGET.patch.text, pass: clean && w.requestsPerSecond >= TARGET.patch.rps };
  return w;
}

// ------------------------------------------------------------------------------------------- output

function table(head: string[], rows: string[][], right: Set<number>): string {
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) => cells.map((c, i) => (right.has(i) ? c.padStart(widths[i]!) : c.padEnd(widths[i]!))).join('  ').trimEnd();
  return [line(head), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}

const num = (n: number) => Math.round(n).toLocaleString('en-US');
const ms = (n: number) => (n < 10 ? n.toFixed(2) : n.toFixed(1));

const cpuText = (c: LoadResult['cpu']) => `${c.server}/${c.generator}/${c.postgres}/${c.other}/${c.irq}${c.steal > 0 ? ` st${c.steal}` : ''}`;

function renderTables(ceiling: LoadResult | null, ceilingRss: number, reports: DialectReport[]): string {
  const out: string[] = [];
  out.push('');
  out.push(`rosterd SCIM benchmark — ${MEMBERS.toLocaleString('en-US')} members, ${LOAD.duration} s per workload, ${LOAD.connections} connections, pipelining ${LOAD.pipelining}, 127.0.0.1, gateway with ${WORKERS} HTTP worker${WORKERS === 1 ? '' : 's'} (server.workers)`);
  out.push('Targets are for SQLite on this 2-core machine; they are reported, not asserted.');
  out.push('CPU% = % of one core used by the server / the load generator / PostgreSQL / other processes / interrupts (loopback TCP).');
  out.push('srv CPU µs/req = server CPU time per request (primary and workers): what one dedicated core allows is 1,000,000 ÷ this, whatever else runs. Peak RSS adds up each worker\'s.');
  out.push(`p99 @${TARGET.lookup.rps / 1000}k/s = a second run of each lookup offering exactly ${TARGET.lookup.rps.toLocaleString('en-US')} req/s, evenly paced, over as many connections, latency counted from when each request was due: the latency while serving the target rate (the p99 column is at saturation, where it is mostly queueing).`);
  out.push('rows/req = rows written in the measured run ÷ 2xx responses (up to one in-flight request per connection lands after the run ends).');
  if (ceiling) {
    out.push(`HTTP ceiling (plain Fastify, constant JSON): ${num(ceiling.requestsPerSecond)} req/s, p50 ${ms(ceiling.latencyMs.p50)} ms, p99 ${ms(ceiling.latencyMs.p99)} ms, non-2xx ${ceiling.non2xx}, errors ${ceiling.errors}, peak RSS ${mb(ceilingRss)}, server CPU ${num((ceiling.cpu.serverSeconds * 1e6) / Math.max(1, ceiling.requests))} µs/req, CPU% srv/gen/pg/oth/irq ${cpuText(ceiling.cpu)}`);
  }
  const head = ['workload', 'req/s', 'p50 ms', 'p99 ms', `p99 @${TARGET.lookup.rps / 1000}k/s`, 'non-2xx', 'errors', 'ceiling', 'peak RSS', 'rows/req', 'srv CPU µs/req', 'CPU% srv/gen/pg/oth/irq', 'target', 'result'];
  for (const r of reports) {
    out.push('');
    if (r.skipped) {
      out.push(`${r.dialect}: ${r.skipped}`);
      continue;
    }
    out.push(`${r.dialect}: ${r.members?.toLocaleString('en-US') ?? '?'} members seeded in ${r.seedSeconds?.toFixed(1) ?? '?'} s; server RSS idle ${mb(r.idleRss)}, peak (VmHWM) ${mb(r.serverPeakRss)}`);
    const rows = r.workloads.map((w) => [
      w.cpu.other >= CONTENDED_PERCENT ? `${w.label} *` : w.label,
      num(w.requestsPerSecond),
      ms(w.latencyMs.p50),
      ms(w.latencyMs.p99),
      w.atTarget ? ms(w.atTarget.p99) : '',
      String(w.non2xx),
      String(w.errors + w.timeouts),
      w.fractionOfCeiling === null ? '-' : `${(w.fractionOfCeiling * 100).toFixed(0)}%`,
      mb(w.peakRss),
      w.rowsWritten === undefined ? '' : (w.rowsWritten / Math.max(1, w.requests - w.non2xx)).toFixed(2),
      num((w.cpu.serverSeconds * 1e6) / Math.max(1, w.requests)),
      cpuText(w.cpu),
      w.target,
      w.pass === null ? '' : w.pass ? 'pass' : 'MISS',
    ]);
    const g = r.groupPatch;
    if (g) {
      const fmt = (xs: number[]) => xs.map((s) => s.toFixed(2)).join('/');
      rows.push([`PATCH Group +${num(g.members)} members (s)`, fmt(g.addSeconds), '', '', '', '', String(g.problems.length), '', mb(g.peakRss), '', '', '', TARGET.group.text, g.pass ? 'pass' : 'MISS']);
      rows.push([`PATCH Group -${num(g.members)} members (s)`, fmt(g.removeSeconds), '', '', '', '', '', '', '', '', '', '', TARGET.group.text, g.pass ? 'pass' : 'MISS']);
    }
    out.push(table(head, rows, new Set([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11])));
    if (r.workloads.some((w) => w.cpu.other >= CONTENDED_PERCENT)) {
      out.push(`  * other jobs on the machine took ≥${CONTENDED_PERCENT}% of a core during this run (CPU% "oth"): the number understates what the server can do`);
    }
    for (const w of r.workloads) {
      if (w.probe) out.push(`  ${w.key}: probe request was wrong: ${w.probe}`);
      if (w.non2xx > 0 || w.errors > 0) out.push(`  ${w.key}: status codes ${JSON.stringify(w.statusCodes)}, ${w.errors} errors, ${w.timeouts} timeouts; first: ${w.errorSamples[0] ?? '-'}`);
    }
    for (const w of r.workloads) if (w.note) out.push(`  ${w.key}: ${w.note}; rows written ${num(w.rowsWritten ?? 0)} for ${num(w.requests)} requests`);
    if (g?.problems.length) out.push(`  group PATCH problems: ${g.problems.join('; ')}`);
    for (const cost of r.eventLog ?? []) {
      const rounds = (values: number[]) => values.map((v) => num(v)).join(' / ');
      out.push(
        `  event log, ${cost.workload}, ${cost.workers} worker${cost.workers === 1 ? '' : 's'}: off ${rounds(cost.off)} req/s (${rounds(cost.offCpuUs)} µs CPU each), on ${rounds(cost.on)} req/s (${rounds(cost.onCpuUs)} µs): ` +
          `on is ${(cost.ratio * 100).toFixed(0)}% of off (target ≥ 90%) ${cost.ratio >= 0.9 ? 'pass' : 'MISS'}`,
      );
    }
    if (r.error) out.push(`  ERROR: ${r.error}`);
  }
  return out.join('\n');
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`bench crashed: ${(error as Error).stack ?? String(error)}\n`);
    process.exitCode = 1;
  },
);
