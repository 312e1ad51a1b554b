import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { createApiKey } from '../src/admin/create-api-key.js';
import { createWorkspace } from '../src/admin/create-workspace.js';
import { DEFAULT_SCIM_BUDGETS } from '../src/scim/scim-budgets.js';
import { benchDatabase, type Dialect } from './bench-database.js';
import { burnCpu } from './noisy-neighbour/cpu-burners.js';
import { heavyLoops, type ScimRequest } from './noisy-neighbour/heavy-requests.js';
import { runNeighbours, type NeighbourRun } from './noisy-neighbour/neighbour-run.js';
import { percentile } from './noisy-neighbour/percentile.js';
import type { Timed } from './noisy-neighbour/timed-request.js';
import { seedWorkspace } from './seed.js';
import { startGatewayProcess, waitForQuiet, type GatewayProcess } from './server-process.js';

/**
 * The noisy-neighbour benchmark: tenant A (100,000 users, a group of 50,000) loops the heaviest request each
 * budget allows (PATCH, filter, group change, full page), one loop of each at once, while tenant B (100 users)
 * reads its users by id at a steady rate (open loop: a stall delays every read due during it). B's GET-by-id latency is measured with A idle, then with A busy; A's own
 * request times too. The gateway is the built one, a child process, with the default budgets. Targets: B's p99
 * with A busy ≤ 2 × its idle p99, and no request of A over 1 s. Reported, not asserted; a failed read of B or a
 * noisy request answered other than 2xx or 429 makes the exit code 1.
 */

export interface NoisyBenchOptions {
  dialects: Dialect[];
  members: number;
  groupMembers: number;
  /** Seconds A's loops run. */
  seconds: number;
  idleReads: number;
  /** B's reads per second, evenly paced (open loop). */
  quietRate: number;
  workers: number;
  /** Processes that spin on the CPU beside B's reads for the floor row (one per core of this 2-core machine). */
  burners: number;
  postgresUrl: string;
  quietWaitMs: number;
}

const MAX_COUNT = 1_000;
const QUIET_USERS = 100;
const TARGET = { quietP99Ratio: 2, noisyMaxMs: 1_000 };

export function noisyOptionsFromEnv(env: NodeJS.ProcessEnv = process.env): NoisyBenchOptions {
  const int = (name: string, fallback: number) => {
    const raw = env[name];
    if (raw === undefined || raw === '') return fallback;
    const value = Number(raw);
    if (!Number.isInteger(value) || value < 0) throw new Error(`${name}: expected a non-negative integer, got "${raw}"`);
    return value;
  };
  const options: NoisyBenchOptions = {
    dialects: (env.BENCH_NOISY_DIALECTS ?? env.BENCH_DIALECTS ?? 'sqlite,postgres').split(',').map((d) => d.trim()).filter(Boolean) as Dialect[],
    members: int('BENCH_NOISY_MEMBERS', 100_000),
    groupMembers: int('BENCH_NOISY_GROUP', 50_000),
    seconds: int('BENCH_NOISY_SECONDS', 30),
    idleReads: int('BENCH_NOISY_IDLE_READS', 2_000),
    quietRate: Math.max(1, int('BENCH_NOISY_RATE', 100)),
    workers: Math.max(1, int('BENCH_WORKERS', 2)),
    burners: int('BENCH_NOISY_BURNERS', 2),
    postgresUrl: env.BENCH_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/test',
    quietWaitMs: int('BENCH_QUIET_WAIT', 10) * 1000,
  };
  for (const d of options.dialects) if (d !== 'sqlite' && d !== 'postgres') throw new Error(`BENCH_NOISY_DIALECTS: unknown dialect "${d}"`);
  if (options.members < options.groupMembers + DEFAULT_SCIM_BUDGETS.groupMembers) {
    throw new Error(`BENCH_NOISY_MEMBERS must be at least BENCH_NOISY_GROUP + ${DEFAULT_SCIM_BUDGETS.groupMembers} (the group loop adds users not yet in the group)`);
  }
  return options;
}

interface Stats {
  requests: number;
  failed: number;
  statuses: string;
  p50: number;
  p99: number;
  max: number;
}

function stats(results: readonly Timed[], ok: (status: number) => boolean): Stats {
  const ms = results.map((r) => r.ms);
  const counts = new Map<number, number>();
  for (const r of results) counts.set(r.status, (counts.get(r.status) ?? 0) + 1);
  return {
    requests: results.length,
    failed: results.filter((r) => !ok(r.status)).length,
    statuses: [...counts].sort(([x], [y]) => x - y).map(([s, n]) => `${s}×${n}`).join(' '),
    p50: percentile(ms, 50),
    p99: percentile(ms, 99),
    max: ms.length > 0 ? Math.max(...ms) : Number.NaN,
  };
}

interface DialectResult {
  dialect: Dialect;
  skipped?: string;
  error?: string;
  seedSeconds?: number;
  groupFillSeconds?: number;
  idle?: Stats;
  /** B's reads beside processes that only burn the CPU: the machine's floor under a busy neighbour. */
  burned?: Stats;
  busy?: Stats;
  noisy?: { loop: string; stats: Stats }[];
}

const log = (line: string) => process.stderr.write(`${line}\n`);

/** Send `request` and fail loudly unless it answers 2xx: for setting up. */
async function must(base: string, token: string, request: ScimRequest): Promise<Record<string, unknown>> {
  const response = await fetch(`${base}${request.path}`, {
    method: request.method,
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/scim+json' },
    ...(request.body !== undefined ? { body: JSON.stringify(request.body) } : {}),
  });
  const text = await response.text();
  if (!response.ok) throw new Error(`${request.method} ${request.path.slice(0, 80)}: ${response.status} ${text.slice(0, 300)}`);
  return text ? (JSON.parse(text) as Record<string, unknown>) : {};
}

async function benchDialect(dialect: Dialect, options: NoisyBenchOptions): Promise<DialectResult> {
  log(`\nnoisy neighbour, ${dialect}: preparing …`);
  const db = await benchDatabase(dialect, options.postgresUrl);
  if (typeof db === 'string') return { dialect, skipped: db };
  let gateway: GatewayProcess | null = null;
  try {
    const budgets = DEFAULT_SCIM_BUDGETS;
    log(`  seeding tenant A with ${options.members.toLocaleString('en-US')} users …`);
    const seeded = await seedWorkspace(db.store, { members: options.members, workspaceId: 'tenant-a', sampleSize: 100, groupMembers: options.groupMembers + budgets.groupMembers });
    const now = new Date().toISOString();
    await createWorkspace(db.store.db, { id: 'tenant-b', version: 'v2', now });
    const { token: quietToken } = await createApiKey(db.store.db, { workspaceId: 'tenant-b', name: 'bench', now });

    gateway = await startGatewayProcess({ database: db.url, workers: options.workers, maxCount: MAX_COUNT });
    const a = `${gateway.url}/scim/v2/organizations/tenant-a`;
    const b = `${gateway.url}/scim/v2/organizations/tenant-b`;

    const quietIds: string[] = [];
    for (let i = 0; i < QUIET_USERS; i++) {
      const body = { schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'], userName: `quiet${i}@tenant-b.example`, emails: [{ value: `quiet${i}@tenant-b.example`, type: 'work', primary: true }], active: true };
      quietIds.push((await must(b, quietToken, { method: 'POST', path: '/Users', body })).id as string);
    }

    log(`  filling tenant A's group with ${options.groupMembers.toLocaleString('en-US')} members, ${budgets.groupMembers.toLocaleString('en-US')} per PATCH …`);
    const group = await must(a, seeded.token, { method: 'POST', path: '/Groups', body: { schemas: ['urn:ietf:params:scim:schemas:core:2.0:Group'], displayName: 'Everyone' } });
    const groupId = group.id as string;
    const inGroup = seeded.groupMemberIds.slice(0, options.groupMembers);
    const fillStarted = performance.now();
    for (let start = 0; start < inGroup.length; start += budgets.groupMembers) {
      const value = inGroup.slice(start, start + budgets.groupMembers).map((id) => ({ value: id }));
      await must(a, seeded.token, { method: 'PATCH', path: `/Groups/${groupId}`, body: { schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'], Operations: [{ op: 'add', path: 'members', value }] } });
    }
    const groupFillSeconds = (performance.now() - fillStarted) / 1000;

    const quiet = { base: b, token: quietToken, userIds: quietIds, ratePerSecond: options.quietRate };
    const loops = heavyLoops({ userId: seeded.sample.ids[0]!, groupId, memberIds: seeded.groupMemberIds.slice(options.groupMembers), rows: options.members }, budgets, MAX_COUNT);
    // Warm-up: every loop once, and B's reads, unmeasured.
    await runNeighbours({ noisy: { base: a, token: seeded.token, loops }, quiet, stop: { iterations: 1 } });

    await waitForQuiet(options.quietWaitMs);
    log(`  tenant B alone: ${options.idleReads.toLocaleString('en-US')} reads …`);
    const idle = await runNeighbours({ noisy: { base: a, token: seeded.token, loops: [] }, quiet, stop: { iterations: 0 }, idleReads: options.idleReads, separateReader: true });
    await waitForQuiet(options.quietWaitMs);
    let burned: NeighbourRun | null = null;
    if (options.burners > 0) {
      log(`  tenant B beside ${options.burners} processes that spin on the CPU, nothing of the gateway's …`);
      const stopBurning = burnCpu(options.burners);
      burned = await runNeighbours({ noisy: { base: a, token: seeded.token, loops: [] }, quiet, stop: { iterations: 0 }, idleReads: options.idleReads, separateReader: true }).finally(stopBurning);
      await waitForQuiet(options.quietWaitMs);
    }
    log(`  tenant B while tenant A runs ${loops.length} heavy loops for ${options.seconds} s …`);
    const busy = await runNeighbours({ noisy: { base: a, token: seeded.token, loops }, quiet, stop: { seconds: options.seconds }, separateReader: true });

    return {
      dialect,
      seedSeconds: seeded.seconds,
      groupFillSeconds,
      idle: stats(idle.quiet, (s) => s === 200),
      ...(burned ? { burned: stats(burned.quiet, (s) => s === 200) } : {}),
      busy: stats(busy.quiet, (s) => s === 200),
      noisy: [...busy.noisy].map(([loop, results]) => ({ loop, stats: stats(results, (s) => s < 300 || s === 429) })),
    };
  } catch (error) {
    return { dialect, error: (error as Error).stack ?? String(error) };
  } finally {
    if (gateway) await gateway.stop();
    await db.drop();
  }
}

const fmt = (n: number | undefined, digits = 1) => (n === undefined || !Number.isFinite(n) ? '-' : n.toFixed(digits));

function render(results: readonly DialectResult[], options: NoisyBenchOptions): string {
  const out = [`\nnoisy neighbour: tenant A ${options.members.toLocaleString('en-US')} users, group of ${options.groupMembers.toLocaleString('en-US')}; tenant B ${QUIET_USERS} users, read by id ${options.quietRate}/s; A's loops for ${options.seconds} s; ${options.workers} worker(s)`];
  for (const r of results) {
    out.push(`\n${r.dialect}`);
    if (r.skipped) out.push(`  ${r.skipped}`);
    if (r.error) out.push(`  ERROR: ${r.error}`);
    if (!r.idle || !r.busy || !r.noisy) continue;
    const ratio = r.busy.p99 / r.idle.p99;
    const rows: string[][] = [
      ['', 'requests', 'failed', 'p50 ms', 'p99 ms', 'max ms', 'statuses', 'target', ''],
      ['B GET by id, A idle', String(r.idle.requests), String(r.idle.failed), fmt(r.idle.p50), fmt(r.idle.p99), fmt(r.idle.max), r.idle.statuses, '', ''],
      ...(r.burned ? [[`B GET by id, ${options.burners} CPU burners`, String(r.burned.requests), String(r.burned.failed), fmt(r.burned.p50), fmt(r.burned.p99), fmt(r.burned.max), r.burned.statuses, `(${fmt(r.burned.p99 / r.idle.p99, 2)}× idle)`, '']] : []),
      ['B GET by id, A busy', String(r.busy.requests), String(r.busy.failed), fmt(r.busy.p50), fmt(r.busy.p99), fmt(r.busy.max), r.busy.statuses, `p99 ≤ ${TARGET.quietP99Ratio}× idle (${fmt(ratio, 2)}×)`, ratio <= TARGET.quietP99Ratio && r.busy.failed === 0 ? 'pass' : 'MISS'],
      ...r.noisy.map(({ loop, stats: s }) => [`A ${loop}`, String(s.requests), String(s.failed), fmt(s.p50, 0), fmt(s.p99, 0), fmt(s.max, 0), s.statuses, `max ≤ ${TARGET.noisyMaxMs} ms`, s.max <= TARGET.noisyMaxMs && s.failed === 0 ? 'pass' : 'MISS']),
    ];
    const widths = rows[0]!.map((_, c) => Math.max(...rows.map((row) => row[c]!.length)));
    for (const row of rows) out.push(`  ${row.map((cell, c) => (c === 0 || c >= 6 ? cell.padEnd(widths[c]!) : cell.padStart(widths[c]!))).join('  ')}`.trimEnd());
    out.push(`  seeding ${fmt(r.seedSeconds)} s; filling the group through SCIM ${fmt(r.groupFillSeconds)} s`);
  }
  return `${out.join('\n')}\n`;
}

export interface NoisyBenchResult {
  text: string;
  /** False when a dialect crashed, a read of B failed, or a request of A was answered other than 2xx or 429. */
  ok: boolean;
}

export async function runNoisyNeighbourBench(options: NoisyBenchOptions = noisyOptionsFromEnv()): Promise<NoisyBenchResult> {
  const results: DialectResult[] = [];
  for (const dialect of options.dialects) results.push(await benchDialect(dialect, options));
  const ok = results.every((r) => !r.error && (r.busy?.failed ?? 0) === 0 && (r.idle?.failed ?? 0) === 0 && (r.burned?.failed ?? 0) === 0 && (r.noisy ?? []).every((n) => n.stats.failed === 0));
  return { text: render(results, options), ok };
}

const isMain = process.argv[1] !== undefined && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href;
if (isMain) {
  runNoisyNeighbourBench().then(
    (result) => {
      process.stdout.write(result.text);
      process.exitCode = result.ok ? 0 : 1;
    },
    (error: unknown) => {
      process.stderr.write(`noisy-neighbour benchmark crashed: ${(error as Error).stack ?? String(error)}\n`);
      process.exitCode = 1;
    },
  );
}
