import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { writeSelfSignedCert } from '../test/fake/graph/self-signed-cert.js';
import type { ChangesResult, FloorResult, SnapshotResult } from './connector/client-process.js';
import type { FakeStats, StartResult } from './connector/fake-process.js';
import { Child, machineCpu, type ProcessStats } from './connector/ipc.js';
import { IDPS, makePlan, type ChangePlan, type Idp } from './connector/plan.js';
import { repoRoot, waitForQuiet } from './server-process.js';

/**
 * Connector benchmark: the fakes serve 100,000 assigned users, and the real connectors read them.
 * Per IdP, a fake process is seeded straight through its directory API (10% of the members via group
 * assignments, an app-role mix, a creditLimit attribute), then a client process measures:
 *   floor     the same pages the connector reads, with plain fetch + JSON.parse (what the fake alone costs);
 *   snapshot  connector.fetchSnapshot() iterated to the end through the real SDK, every member checked;
 *   changes   100 users changed (50 updated, 25 unassigned, 25 deleted), then connector.fetchChanges(cursor).
 * The fake and the client are separate processes (one core each on a 2-core machine, their own peak RSS), and
 * the Entra client trusts the fake's per-run certificate through NODE_EXTRA_CA_CERTS, read at process start.
 * Timings are reported, not asserted; a wrong count or member content exits non-zero.
 *
 * Environment: BENCH_CONNECTOR_MEMBERS (100000), BENCH_CONNECTOR_CHANGES (100), BENCH_CONNECTOR_IDPS
 * (entra,okta), BENCH_CONNECTOR_RUNS measured reads of each kind, best kept (2), BENCH_QUIET_WAIT seconds to
 * wait for a quiet machine before the floor and the snapshot reads (10).
 */

const here = path.dirname(fileURLToPath(import.meta.url));
const log = (line: string) => process.stderr.write(`${line}\n`);

export interface ConnectorBenchOptions {
  members: number;
  changes: number;
  idps: Idp[];
  /** Measured reads of each kind (after one unmeasured); the fastest is reported. */
  runs: number;
  quietWaitMs: number;
  resultsDir: string;
}

interface Measured {
  /** Wall time of the read as seen from here (the client's own `seconds` is what the table shows). */
  wallSeconds: number;
  /** Requests the fake served during the phase. */
  requests: number;
  clientCpuSeconds: number;
  fakeCpuSeconds: number;
  /** The client process's peak RSS so far (it runs one kind of read only), bytes. */
  clientPeakRss: number;
  /** CPU of everything else on the machine during the phase, % of one core (interrupts not included). */
  otherPercent: number;
  /** Interrupt CPU (hard + soft: loopback TCP) during the phase, % of one core. */
  irqPercent: number;
}

export interface IdpReport {
  idp: Idp;
  members: number;
  /** Users in the fake's directory, assigned or not. */
  directoryUsers?: number;
  seedSeconds?: number;
  fakePeakRss?: number;
  /** The best measured floor read; `firstSeconds` is the warm-up read's, `runs` every measured read's. */
  floor?: Measured & FloorResult & { firstSeconds: number; runs: number[] };
  /** The best measured fetchSnapshot; `firstSeconds` is the process's first (cold JIT, new connector), `runs` every measured one. */
  snapshot?: Measured & SnapshotResult & { firstSeconds: number; runs: number[]; membersPerSecond: number; floorRatio: number | null };
  changes?: Measured & ChangesResult & { planned: { updated: number; unassigned: number; deleted: number } };
  error?: string;
  /** Correctness failures (counts, member content, completeness); empty = correct. */
  failures: string[];
}

export interface ConnectorBenchResult {
  reports: IdpReport[];
  file: string;
  ok: boolean;
  text: string;
}

const intEnv = (name: string, fallback: number): number => {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value) || value < 0) throw new Error(`${name}: expected a non-negative number, got "${raw}"`);
  return Math.floor(value);
};

export function connectorOptionsFromEnv(): ConnectorBenchOptions {
  const idps = (process.env.BENCH_CONNECTOR_IDPS ?? IDPS.join(',')).split(',').map((s) => s.trim()).filter(Boolean);
  for (const idp of idps) if (!(IDPS as readonly string[]).includes(idp)) throw new Error(`BENCH_CONNECTOR_IDPS: unknown IdP "${idp}" (entra, okta)`);
  const members = intEnv('BENCH_CONNECTOR_MEMBERS', 100_000);
  if (members < 200) throw new Error('BENCH_CONNECTOR_MEMBERS: at least 200');
  return {
    members,
    changes: intEnv('BENCH_CONNECTOR_CHANGES', 100),
    idps: idps as Idp[],
    runs: Math.max(1, intEnv('BENCH_CONNECTOR_RUNS', 2)),
    quietWaitMs: intEnv('BENCH_QUIET_WAIT', 10) * 1000,
    resultsDir: path.join(repoRoot, 'bench/results'),
  };
}

/** A self-signed certificate for the fake Graph and a CA bundle (the user's own NODE_EXTRA_CA_CERTS kept) that trusts it. */
function tlsSetup(): { certDir: string; bundle: string; cleanup(): void } {
  const certDir = mkdtempSync(path.join(os.tmpdir(), 'rosterd-bench-tls-'));
  const { cert } = writeSelfSignedCert(certDir);
  const previous = process.env.NODE_EXTRA_CA_CERTS;
  const bundle = path.join(certDir, 'ca-bundle.pem');
  writeFileSync(bundle, (previous && existsSync(previous) ? `${readFileSync(previous, 'utf8')}\n` : '') + cert);
  return { certDir, bundle, cleanup: () => rmSync(certDir, { recursive: true, force: true }) };
}

async function measure<T>(fake: Child, client: Child, quietWaitMs: number, run: () => Promise<T>): Promise<{ result: T; measured: Measured; fake: FakeStats }> {
  if (quietWaitMs > 0) await waitForQuiet(quietWaitMs);
  const f0 = await fake.call<FakeStats>('stats');
  const c0 = await client.call<ProcessStats>('stats');
  const m0 = machineCpu();
  const t0 = performance.now();
  const result = await run();
  const seconds = (performance.now() - t0) / 1000;
  const m1 = machineCpu();
  const f1 = await fake.call<FakeStats>('stats');
  const c1 = await client.call<ProcessStats>('stats');
  const fakeCpuSeconds = f1.cpuSeconds - f0.cpuSeconds;
  const clientCpuSeconds = c1.cpuSeconds - c0.cpuSeconds;
  const other = ((m1.busy - m0.busy - fakeCpuSeconds - clientCpuSeconds) / seconds) * 100;
  const irq = ((m1.irq - m0.irq) / seconds) * 100;
  return {
    result,
    fake: f1,
    measured: {
      wallSeconds: seconds,
      requests: f1.requests - f0.requests,
      clientCpuSeconds,
      fakeCpuSeconds,
      clientPeakRss: c1.maxRss,
      otherPercent: Number.isFinite(other) ? Math.max(0, Math.round(other)) : 0,
      irqPercent: Number.isFinite(irq) ? Math.round(irq) : 0,
    },
  };
}

/** `options.runs` measured reads; only the first waits for a quiet machine. */
async function repeat<T>(options: ConnectorBenchOptions, fake: Child, client: Child, run: () => Promise<T>): Promise<{ result: T; measured: Measured }[]> {
  const out: { result: T; measured: Measured }[] = [];
  for (let i = 0; i < options.runs; i++) out.push(await measure(fake, client, i === 0 ? options.quietWaitMs : 0, run));
  return out;
}

/** The fastest run by the client's own clock (the snapshot's excludes the time spent checking members). */
function best<T extends { seconds: number }>(runs: { result: T; measured: Measured }[]): { result: T; measured: Measured } {
  return runs.reduce((a, b) => (b.result.seconds < a.result.seconds ? b : a));
}

async function benchIdp(idp: Idp, options: ConnectorBenchOptions, tls: { certDir: string; bundle: string }): Promise<IdpReport> {
  const report: IdpReport = { idp, members: options.members, failures: [] };
  const clientEnv = idp === 'entra' ? { ...process.env, NODE_EXTRA_CA_CERTS: tls.bundle } : process.env;
  const script = (name: string) => path.join(here, 'connector', name);
  const children: Child[] = [];
  const child = (name: string, file: string, env?: NodeJS.ProcessEnv) => {
    const c = new Child(name, script(file), env);
    children.push(c);
    return c;
  };
  try {
    log(`\n${idp}: seeding ${options.members.toLocaleString('en-US')} assigned members …`);
    const fake = child(`${idp} fake`, 'fake-process.js');
    const started = await fake.call<StartResult>('start', { idp, members: options.members, certDir: tls.certDir });
    report.seedSeconds = started.seedSeconds;
    report.directoryUsers = started.users;
    log(`  seeded ${started.users.toLocaleString('en-US')} users in ${started.seedSeconds.toFixed(1)} s; fake at ${started.target.origin}`);
    const args = { target: started.target, members: options.members };

    // Each kind of read runs once unmeasured (JIT warm-up of the fake and the client; for the connector this
    // first read is reported as "1st run", a new process and a new connector), then `runs` times, best kept:
    // the gateway keeps its connector across cycles, and the best run is the one least disturbed by other jobs.
    log(`  floor: plain fetch of the same pages (a warm-up read, then best of ${options.runs}) …`);
    const floorClient = child(`${idp} floor client`, 'client-process.js', clientEnv);
    const warmup = await floorClient.call<FloorResult>('floor', args);
    report.failures.push(...warmup.problems.map((p) => `floor (warm-up): ${p}`));
    const floors = await repeat(options, fake, floorClient, () => floorClient.call<FloorResult>('floor', args));
    await floorClient.stop();
    const floor = best(floors);
    report.floor = { ...floor.measured, ...floor.result, firstSeconds: warmup.seconds, runs: floors.map((r) => r.result.seconds) };
    for (const r of floors) report.failures.push(...r.result.problems.map((p) => `floor: ${p}`));
    log(`    warm-up ${warmup.seconds.toFixed(2)} s; runs ${floors.map((r) => r.result.seconds.toFixed(2)).join(' / ')} s; ${floor.result.members.toLocaleString('en-US')} members, ${floor.measured.requests} requests, ${(floor.result.bytes / 1024 / 1024).toFixed(0)} MB`);

    log(`  connector.fetchSnapshot(): a first read in a new process, then best of ${options.runs} …`);
    const client = child(`${idp} connector client`, 'client-process.js', clientEnv);
    const first = await measure(fake, client, 0, () => client.call<SnapshotResult>('snapshot', args));
    report.failures.push(...first.result.problems.map((p) => `snapshot (first): ${p}`));
    const snaps = await repeat(options, fake, client, () => client.call<SnapshotResult>('snapshot', args));
    const snap = best(snaps);
    report.snapshot = {
      ...snap.measured,
      ...snap.result,
      firstSeconds: first.result.seconds,
      runs: snaps.map((r) => r.result.seconds),
      membersPerSecond: snap.result.members / snap.result.seconds,
      floorRatio: report.floor.seconds > 0 ? snap.result.seconds / report.floor.seconds : null,
    };
    for (const r of snaps) report.failures.push(...r.result.problems.map((p) => `snapshot: ${p}`));
    const last = snaps[snaps.length - 1]!.result;
    log(`    first ${first.result.seconds.toFixed(2)} s; runs ${snaps.map((r) => r.result.seconds.toFixed(2)).join(' / ')} s; ${snap.result.members.toLocaleString('en-US')} members, complete ${snap.result.complete}, ${snap.measured.requests} requests` +
      (snap.result.problems.length ? `\n    PROBLEMS: ${snap.result.problems.join('; ')}` : ''));

    // The client keeps the last snapshot's cursor.
    if (options.changes > 0 && last.complete) {
      const planned = await fake.call<ChangePlan>('change', { count: options.changes });
      const total = planned.updated.length + planned.unassigned.length + planned.deleted.length;
      log(`  changed ${total} users (${planned.updated.length} updated, ${planned.unassigned.length} unassigned, ${planned.deleted.length} deleted); connector.fetchChanges(cursor) …`);
      // No quiet wait: the change and the read follow each other as in a real poll.
      const changes = await measure(fake, client, 0, () => client.call<ChangesResult>('changes', { planned }));
      report.changes = {
        ...changes.measured,
        ...changes.result,
        planned: { updated: planned.updated.length, unassigned: planned.unassigned.length, deleted: planned.deleted.length },
      };
      report.failures.push(...changes.result.problems.map((p) => `changes: ${p}`));
      log(`    ${changes.result.changes} changes in ${changes.result.seconds.toFixed(2)} s, ${changes.measured.requests} requests` +
        (changes.result.problems.length ? `\n    PROBLEMS: ${changes.result.problems.join('; ')}` : ''));
    }
    report.fakePeakRss = (await fake.call<FakeStats>('stats')).maxRss;
  } catch (error) {
    report.error = (error as Error).stack ?? String(error);
    report.failures.push(`crashed: ${(error as Error).message}`);
    log(`  ERROR: ${report.error}`);
  } finally {
    await Promise.all(children.map((c) => c.stop()));
  }
  return report;
}

export async function runConnectorBench(options: ConnectorBenchOptions = connectorOptionsFromEnv()): Promise<ConnectorBenchResult> {
  const startedAt = new Date();
  const plan = makePlan(options.members);
  const cpu = os.cpus();
  log(`rosterd connector benchmark: ${cpu.length} × ${cpu[0]?.model ?? 'cpu'}, Node ${process.version}; ${options.members.toLocaleString('en-US')} assigned members per IdP ` +
    `(${plan.groupOnly.toLocaleString('en-US')} only via ${plan.groups} groups, ${plan.both.toLocaleString('en-US')} direct and via a group), ${options.changes} changed for the incremental cycle`);
  const tls = tlsSetup();
  const reports: IdpReport[] = [];
  try {
    for (const idp of options.idps) reports.push(await benchIdp(idp, options, tls));
  } finally {
    tls.cleanup();
  }
  mkdirSync(options.resultsDir, { recursive: true });
  const file = path.join(options.resultsDir, `connectors-${startedAt.toISOString().replace(/[:.]/g, '-')}.json`);
  const output = {
    startedAt: startedAt.toISOString(),
    machine: { cpus: cpu.length, model: cpu[0]?.model, memoryBytes: os.totalmem(), node: process.version, platform: `${os.platform()} ${os.release()}` },
    settings: { members: options.members, changes: options.changes, idps: options.idps, runs: options.runs, quietWaitMs: options.quietWaitMs, plan },
    idps: reports,
  };
  writeFileSync(file, `${JSON.stringify(output, null, 2)}\n`);
  const ok = reports.every((r) => r.failures.length === 0);
  return { reports, file, ok, text: `${renderConnectorTable(options, reports)}\nresults: ${path.relative(process.cwd(), file)}\n` };
}

// ------------------------------------------------------------------------------------------- output

const num = (n: number) => Math.round(n).toLocaleString('en-US');
const mb = (bytes: number | undefined) => (bytes === undefined || !Number.isFinite(bytes) ? '-' : `${Math.round(bytes / 1024 / 1024)} MB`);
const sec = (s: number) => (s < 10 ? s.toFixed(2) : s.toFixed(1));

function table(head: string[], rows: string[][], right: Set<number>): string {
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) => cells.map((c, i) => (right.has(i) ? c.padStart(widths[i]!) : c.padEnd(widths[i]!))).join('  ').trimEnd();
  return [line(head), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}

export function renderConnectorTable(options: ConnectorBenchOptions, reports: IdpReport[]): string {
  const out: string[] = [''];
  out.push(`rosterd connector benchmark — ${options.members.toLocaleString('en-US')} assigned members per IdP, real SDKs against the fake IdPs on 127.0.0.1 (fake and client in separate processes)`);
  out.push(`floor = the same pages with plain fetch + JSON.parse. Each read runs once unmeasured (1st run s), then best of ${options.runs} is reported.`);
  out.push('× floor = connector seconds ÷ floor seconds; requests = served by the fake (measured read);');
  out.push('CPU s = client / fake process CPU seconds; peak RSS = the client process (the fake\'s own peak is listed below); oth% = other processes, % of a core.');
  const head = ['IdP', 'read', 'members', 'seconds', 'members/s', '× floor', '1st run s', 'requests', 'CPU s cli/fake', 'peak RSS', 'oth%', 'result'];
  const rows: string[][] = [];
  const cpuCell = (m: Measured) => `${m.clientCpuSeconds.toFixed(1)}/${m.fakeCpuSeconds.toFixed(1)}`;
  for (const r of reports) {
    const failed = (prefix: string) => r.failures.some((f) => f.startsWith(prefix));
    if (r.floor) {
      const f = r.floor;
      rows.push([r.idp, 'floor: fetch + JSON.parse', num(f.members), sec(f.seconds), num(f.members / f.seconds), '1.00', sec(f.firstSeconds), num(f.requests), cpuCell(f), mb(f.clientPeakRss), String(f.otherPercent), failed('floor') ? 'FAIL' : 'ok']);
    }
    if (r.snapshot) {
      const s = r.snapshot;
      rows.push([r.idp, 'fetchSnapshot (SDK)', num(s.members), sec(s.seconds), num(s.membersPerSecond), s.floorRatio === null ? '-' : s.floorRatio.toFixed(2), sec(s.firstSeconds), num(s.requests), cpuCell(s), mb(s.clientPeakRss), String(s.otherPercent), failed('snapshot') ? 'FAIL' : 'ok']);
    }
    if (r.changes) {
      const c = r.changes;
      const planned = c.planned.updated + c.planned.unassigned + c.planned.deleted;
      rows.push([r.idp, `fetchChanges (${planned} changed)`, num(c.changes), sec(c.seconds), '', '', '', num(c.requests), cpuCell(c), mb(c.clientPeakRss), String(c.otherPercent), failed('changes') ? 'FAIL' : 'ok']);
    }
    if (!r.floor && !r.snapshot) rows.push([r.idp, 'crashed', '', '', '', '', '', '', '', '', '', 'FAIL']);
  }
  out.push(table(head, rows, new Set([2, 3, 4, 5, 6, 7, 8, 9, 10])));
  for (const r of reports) {
    const parts = [`${r.idp}: fake seeded with ${r.directoryUsers?.toLocaleString('en-US') ?? '?'} users in ${r.seedSeconds?.toFixed(1) ?? '?'} s, fake peak RSS ${mb(r.fakePeakRss)}`];
    if (r.snapshot) {
      parts.push(`roles ${Object.entries(r.snapshot.roles).map(([k, v]) => `${k} ${num(v)}`).join(', ')}`);
      parts.push(`cursor ${r.snapshot.cursorBytes < 1024 ? `${r.snapshot.cursorBytes} B` : `${num(r.snapshot.cursorBytes / 1024)} KB`}`);
    }
    if (r.changes) {
      const p = r.changes.planned;
      parts.push(`changes: ${p.updated} updated, ${p.unassigned} unassigned, ${p.deleted} ${r.idp === 'entra' ? 'deleted to deletedItems' : 'deactivated'} → ${r.changes.changes} reported${r.changes.extra ? ` (${r.changes.extra} about untouched users)` : ''}`);
    }
    out.push(`  ${parts.join('; ')}`);
    for (const w of [...(r.snapshot?.warnings ?? []), ...(r.changes?.warnings ?? [])]) out.push(`  ${r.idp} warning: ${w}`);
    for (const f of r.failures) out.push(`  ${r.idp} FAILURE: ${f}`);
  }
  if (reports.some((r) => [r.floor, r.snapshot].some((m) => m && m.otherPercent >= 25))) {
    out.push('  oth% ≥ 25: other jobs competed for the CPU during that read; its time overstates what the connector needs');
  }
  return out.join('\n');
}

const isMain = process.argv[1] !== undefined && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href;
if (isMain) {
  runConnectorBench().then(
    (result) => {
      process.stdout.write(result.text);
      process.exitCode = result.ok ? 0 : 1;
    },
    (error: unknown) => {
      process.stderr.write(`connector bench crashed: ${(error as Error).stack ?? String(error)}\n`);
      process.exitCode = 1;
    },
  );
}
