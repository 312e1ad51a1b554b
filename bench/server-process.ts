import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * Servers under test run as child processes, so the load generator (this process) and the server each get
 * one of the machine's two cores, and the server's memory is its own: peak RSS is read from /proc.
 */

const here = path.dirname(fileURLToPath(import.meta.url));
/** dist/bench → the repository root (where dist/ and migrations/ live). */
export const repoRoot = path.resolve(here, '../..');

export interface MemoryReading {
  /** Resident set size now, in bytes. */
  rss: number;
  /** Peak resident set size since the process started (VmHWM), in bytes. */
  hwm: number;
}

/**
 * VmRSS and VmHWM of a live process and its children (a gateway with `server.workers` > 1 is a primary and its
 * workers): the sum of each one's current and peak resident set. Null once the process has gone.
 */
export function readMemory(pid: number): MemoryReading | null {
  const total: MemoryReading = { rss: 0, hwm: 0 };
  for (const one of [pid, ...childrenOf(pid)]) {
    let status: string;
    try {
      status = readFileSync(`/proc/${one}/status`, 'utf8');
    } catch {
      if (one === pid) return null;
      continue;
    }
    const kb = (name: string) => Number(new RegExp(`^${name}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? NaN) * 1024;
    total.rss += kb('VmRSS');
    total.hwm += kb('VmHWM');
  }
  return total;
}

/** How long a list of children stays good: readMemory runs every 100 ms, and a scan of /proc costs the load generator. */
const CHILDREN_TTL_MS = 2_000;
const childrenSeen = new Map<number, { at: number; pids: number[] }>();

/** The processes whose parent is `pid`, as of at most CHILDREN_TTL_MS ago (a gateway's workers rarely change). */
function childrenOf(pid: number): number[] {
  const now = performance.now();
  const seen = childrenSeen.get(pid);
  if (seen && now - seen.at < CHILDREN_TTL_MS) return seen.pids;
  const pids = scanChildren(pid);
  childrenSeen.set(pid, { at: now, pids });
  return pids;
}

function scanChildren(pid: number): number[] {
  const out: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      // The parent pid is the 2nd field after the ")" that ends the command name.
      if (Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]) === pid) out.push(Number(entry));
    } catch {
      // gone meanwhile
    }
  }
  return out;
}

const CLOCK_TICKS_PER_SECOND = 100;

/** user + system CPU seconds a process and its live children have used; NaN once the process has gone. */
export function cpuSeconds(pid: number): number {
  let total = 0;
  for (const one of [pid, ...childrenOf(pid)]) {
    try {
      // Fields after the ")" that ends the command name: state is the 1st, utime the 12th, stime the 13th.
      const fields = readFileSync(`/proc/${one}/stat`, 'utf8').split(') ')[1]!.split(' ');
      total += (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS_PER_SECOND;
    } catch {
      if (one === pid) return NaN;
    }
  }
  return total;
}

/** CPU seconds per live process whose command name is `name` (PostgreSQL's backends are all "postgres"). */
function cpuSecondsByName(name: string): Map<number, number> {
  const out = new Map<number, number>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const open = stat.indexOf('(');
      const close = stat.lastIndexOf(')');
      if (stat.slice(open + 1, close) !== name) continue;
      const fields = stat.slice(close + 2).split(' ');
      out.set(Number(entry), (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS_PER_SECOND);
    } catch {
      // gone meanwhile
    }
  }
  return out;
}

/** Machine-wide busy and stolen CPU seconds (all cores) from /proc/stat. */
function machineCpu(): { busy: number; irq: number; steal: number } {
  const [, ...values] = readFileSync('/proc/stat', 'utf8').split('\n')[0]!.trim().split(/\s+/);
  const [user = 0, nice = 0, system = 0, , , irq = 0, softirq = 0, steal = 0] = values.map(Number);
  return { busy: (user + nice + system) / CLOCK_TICKS_PER_SECOND, irq: (irq + softirq) / CLOCK_TICKS_PER_SECOND, steal: steal / CLOCK_TICKS_PER_SECOND };
}

export interface CpuSnapshot {
  at: number;
  server: number;
  serverPid: number;
  self: number;
  postgres: Map<number, number>;
  machine: { busy: number; irq: number; steal: number };
}

/** CPU used over an interval, in % of one core (200% = both cores of this machine). */
export interface CpuUsage {
  /** CPU seconds the server used (for CPU per request: robust to other jobs on the machine). */
  serverSeconds: number;
  server: number;
  /** This process: the load generator. */
  generator: number;
  /** PostgreSQL's processes (backends, autovacuum, WAL writer). */
  postgres: number;
  /** Every other process: other jobs on the machine. Large values mean the numbers are not this machine's best. */
  other: number;
  /** Interrupts and softirqs: mostly loopback TCP, not charged to any process. */
  irq: number;
  steal: number;
}

export function cpuSnapshot(serverPid: number): CpuSnapshot {
  const usage = process.cpuUsage();
  return {
    at: performance.now(),
    server: cpuSeconds(serverPid),
    serverPid,
    self: (usage.user + usage.system) / 1e6,
    postgres: cpuSecondsByName('postgres'),
    machine: machineCpu(),
  };
}

export function cpuUsageSince(before: CpuSnapshot): CpuUsage {
  const after = cpuSnapshot(before.serverPid);
  const seconds = (after.at - before.at) / 1000;
  const pct = (x: number) => Math.round((100 * x) / seconds);
  const server = after.server - before.server;
  const self = after.self - before.self;
  let postgres = 0;
  for (const [pid, seconds] of after.postgres) postgres += seconds - (before.postgres.get(pid) ?? 0);
  return {
    serverSeconds: server,
    server: pct(server),
    generator: pct(self),
    postgres: pct(postgres),
    other: Math.max(0, pct(after.machine.busy - before.machine.busy - server - self - postgres)),
    irq: pct(after.machine.irq - before.machine.irq),
    steal: pct(after.machine.steal - before.machine.steal),
  };
}

/**
 * Wait until the machine is quiet (other processes use under `maxBusyPercent` of one core over half a
 * second), at most `maxWaitMs`. Other jobs on this 2-core machine (a test run, a compiler) would otherwise
 * take the load generator's or the server's core. Returns how long it waited and whether it got quiet.
 */
export async function waitForQuiet(maxWaitMs: number, maxBusyPercent = 20): Promise<{ waitedMs: number; quiet: boolean; busyPercent: number }> {
  const started = performance.now();
  let busyPercent = 0;
  for (;;) {
    const a = machineCpu();
    await new Promise((r) => setTimeout(r, 500));
    const b = machineCpu();
    busyPercent = Math.round(((b.busy - a.busy + b.irq - a.irq) / 0.5) * 100);
    const waitedMs = Math.round(performance.now() - started);
    if (busyPercent < maxBusyPercent) return { waitedMs, quiet: true, busyPercent };
    if (waitedMs >= maxWaitMs) return { waitedMs, quiet: false, busyPercent };
  }
}

export interface ChildServer {
  readonly name: string;
  readonly pid: number;
  /** http://127.0.0.1:PORT */
  readonly url: string;
  /** The largest VmRSS sampled since the last `takeWindowPeak()`, in bytes. */
  takeWindowPeak(): number;
  /** VmHWM now: the lifetime peak. */
  memory(): MemoryReading | null;
  /** The last lines of its stderr, for reports when something went wrong. */
  stderrTail(): string;
  /** SIGTERM, then SIGKILL after `graceMs`. Resolves with the exit code (null when killed by a signal). */
  stop(graceMs?: number): Promise<number | null>;
}

export interface SpawnServerOptions {
  name: string;
  args: string[];
  env?: NodeJS.ProcessEnv;
  /** A stdout line that says it is ready; its first capture group is the URL. */
  ready: RegExp;
  timeoutMs?: number;
  /** RSS sampling period. */
  sampleMs?: number;
  onExit?: () => void;
  /** CPUs the server may run on, as taskset takes them ("0"): it is started pinned, worker threads included. */
  cpuAffinity?: string;
}

export async function spawnServer(options: SpawnServerOptions): Promise<ChildServer> {
  // taskset execs node in its own process, so the pid is the server's.
  const [command, args] = options.cpuAffinity !== undefined ? ['taskset', ['-c', options.cpuAffinity, process.execPath, ...options.args]] : [process.execPath, options.args];
  const child = spawn(command, args, { cwd: repoRoot, env: options.env ?? process.env, stdio: ['ignore', 'pipe', 'pipe'] });
  const pid = child.pid;
  if (pid === undefined) throw new Error(`${options.name}: could not start ${process.execPath} ${options.args.join(' ')}`);
  let stdout = '';
  let stderr = '';
  child.stderr!.setEncoding('utf8').on('data', (d: string) => {
    stderr = (stderr + d).slice(-8_000);
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));

  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${options.name}: not ready after ${options.timeoutMs ?? 30_000} ms\nstdout: ${stdout}\nstderr: ${stderr}`));
    }, options.timeoutMs ?? 30_000);
    child.stdout!.setEncoding('utf8').on('data', (d: string) => {
      stdout = (stdout + d).slice(-8_000);
      const match = options.ready.exec(stdout);
      if (match) {
        clearTimeout(timer);
        resolve(match[1]!);
      }
    });
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`${options.name} exited with code ${code} before it was ready\nstdout: ${stdout}\nstderr: ${stderr}`));
    });
  });

  let windowPeak = 0;
  const sample = () => {
    const reading = readMemory(pid);
    if (reading && reading.rss > windowPeak) windowPeak = reading.rss;
  };
  sample();
  const sampler = setInterval(sample, options.sampleMs ?? 100);
  sampler.unref();
  let stopped = false;
  void exited.then(() => {
    clearInterval(sampler);
    if (!stopped) options.onExit?.();
  });

  return {
    name: options.name,
    pid,
    url,
    takeWindowPeak() {
      sample();
      const peak = windowPeak;
      windowPeak = 0;
      return peak;
    },
    memory: () => readMemory(pid),
    stderrTail: () => stderr,
    async stop(graceMs = 10_000) {
      stopped = true;
      clearInterval(sampler);
      if (child.exitCode !== null || child.signalCode !== null) return child.exitCode;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
      const code = await exited;
      clearTimeout(timer);
      return code;
    },
  };
}

export interface GatewayOptions {
  /** sqlite:<path> or postgres://… (with ?schema=…). */
  database: string;
  maxCount?: number;
  /** Directory for `node --cpu-prof` output (BENCH_PROF=1). */
  cpuProfileDir?: string;
  /** server.workers: HTTP worker processes (1: the primary serves alone). */
  workers?: number;
  /** events.enabled: write the event log (default true). */
  eventLog?: boolean;
  /** The configuration's logging as a user runs it (info, a line per request) instead of the benchmark's quiet one. */
  defaultLogging?: boolean;
  /** With defaultLogging: log.requests (default true, as in a user's configuration). */
  requestLog?: boolean;
  cpuAffinity?: string;
  onExit?: () => void;
}

export interface GatewayProcess extends ChildServer {
  readonly configDir: string;
}

/** `node dist/src/cli/main.js start` with a temporary config: ephemeral port, quiet logs, no bootstrap. */
export async function startGatewayProcess(options: GatewayOptions): Promise<GatewayProcess> {
  const configDir = mkdtempSync(path.join(tmpdir(), 'rosterd-bench-config-'));
  const configPath = path.join(configDir, 'rosterd.yaml');
  const config = {
    server: { host: '127.0.0.1', port: 0, workers: options.workers ?? 1 },
    database: options.database,
    log: options.defaultLogging ? { level: 'info', requests: options.requestLog ?? true } : { level: 'warn', requests: false },
    scim: { maxCount: options.maxCount ?? 1000 },
    bootstrap: { workspace: null },
    events: { enabled: options.eventLog ?? true },
  };
  // YAML is a superset of JSON.
  writeFileSync(configPath, `${JSON.stringify(config, null, 2)}\n`);
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) if (!k.startsWith('ROSTERD_')) env[k] = v;
  env.ROSTERD_CONFIG = configPath;
  env.NODE_ENV = 'production';
  // BENCH_PROF_INTERVAL (µs, V8's default 1000) samples finer: at a few hundred µs per request the default misses most frames.
  const interval = process.env.BENCH_PROF_INTERVAL ? [`--cpu-prof-interval=${Number(process.env.BENCH_PROF_INTERVAL)}`] : [];
  const profile = options.cpuProfileDir ? ['--cpu-prof', `--cpu-prof-dir=${options.cpuProfileDir}`, ...interval] : [];
  try {
    const server = await spawnServer({
      name: 'rosterd',
      args: [...profile, path.join(repoRoot, 'dist/src/cli/main.js'), 'start'],
      env,
      ready: /rosterd is listening on (http:\/\/\S+)/,
      ...(options.onExit ? { onExit: options.onExit } : {}),
      ...(options.cpuAffinity !== undefined ? { cpuAffinity: options.cpuAffinity } : {}),
    });
    return {
      ...server,
      configDir,
      async stop(graceMs?: number) {
        const code = await server.stop(graceMs);
        rmSync(configDir, { recursive: true, force: true });
        return code;
      },
    };
  } catch (error) {
    rmSync(configDir, { recursive: true, force: true });
    throw error;
  }
}

/** The plain Fastify server of bench/ceiling-server.ts: this machine's HTTP ceiling. */
export function startCeilingProcess(options: { cpuAffinity?: string } = {}): Promise<ChildServer> {
  return spawnServer({
    name: 'ceiling',
    args: [path.join(repoRoot, 'dist/bench/ceiling-server.js')],
    env: { ...process.env, NODE_ENV: 'production' },
    ready: /ceiling listening on (http:\/\/\S+)/,
    ...(options.cpuAffinity !== undefined ? { cpuAffinity: options.cpuAffinity } : {}),
  });
}

/** The floor (floor-server.ts): one indexed SQLite read and a User on the same Fastify, reading `database`. */
export function startFloorProcess(database: string, options: { cpuAffinity?: string } = {}): Promise<ChildServer> {
  return spawnServer({
    name: 'floor',
    args: [path.join(repoRoot, 'dist/bench/floor-server.js')],
    env: { ...process.env, NODE_ENV: 'production', FLOOR_DATABASE: database },
    ready: /floor listening on (http:\/\/\S+)/,
    ...(options.cpuAffinity !== undefined ? { cpuAffinity: options.cpuAffinity } : {}),
  });
}

export type { ChildProcess };
