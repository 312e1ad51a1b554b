import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { benchDatabase, type Dialect } from './bench-database.js';
import { summarizeProfile } from './cpu-profile-summary.js';
import { profileCategories } from './profile-categories.js';
import { seedWorkspace, type SeedSample } from './seed.js';
import { repoRoot, startCeilingProcess, startFloorProcess, startGatewayProcess } from './server-process.js';
import { ceilingWorkload, externalIdLookup, getById, patchRfc, postUser, runLoad, scimHeaders, userNameLookup, type HttpWorkload, type LoadResult, type LoadSettings } from './workloads.js';

/**
 * rosterd as a user runs it, on one core: `npm start`'s configuration (one process, request logging on), the server
 * pinned to CPU 0 and the load generator to CPU 1, each request a random seeded user (as autocannon's setupRequest
 * gives them), beside the constant-JSON Fastify ceiling pinned to the same core. Then the same with
 * `log.requests: false`. The main benchmark (run.ts) measures the gateway's best on both cores instead: two HTTP
 * workers, request logging off, keys in turn; this mode is the one a user reproduces.
 */
export interface OneCoreOptions {
  dialects: Dialect[];
  postgresUrl: string;
  members: number;
  load: LoadSettings;
  /** node --cpu-prof the request-logged gateway and print where its CPU goes. */
  profile: boolean;
  log: (line: string) => void;
}

export function oneCoreOptionsFromEnv(env: NodeJS.ProcessEnv, dialects: Dialect[], postgresUrl: string, profile: boolean, log: (line: string) => void): OneCoreOptions {
  const int = (name: string, fallback: number) => (env[name] ? Number(env[name]) : fallback);
  return {
    dialects,
    postgresUrl,
    members: int('BENCH_MEMBERS', 100_000),
    load: { duration: int('BENCH_DURATION', 15), warmup: int('BENCH_WARMUP', 2), connections: int('BENCH_CONNECTIONS', 10), pipelining: 1 },
    profile,
    log,
  };
}

/** Each request a random element of the workload's requests, instead of each connection's list in turn. */
function randomized(workload: HttpWorkload): HttpWorkload {
  const requests = workload.rotation!('measure', 0, 1);
  const { rotation: _rotation, ...rest } = workload;
  return { ...rest, next: () => requests[Math.floor(Math.random() * requests.length)]! };
}

/** Pin this process (the load generator) and its threads to `cpu`. */
function pinSelf(cpu: string): void {
  const result = spawnSync('taskset', ['-a', '-p', '-c', cpu, String(process.pid)], { encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`taskset could not pin the load generator: ${result.stderr || result.error?.message}`);
}

interface Row {
  label: string;
  logged: LoadResult;
  quiet: LoadResult;
}

const us = (result: LoadResult) => Math.round((result.cpu.serverSeconds * 1e6) / Math.max(1, result.requests));

export async function runOneCoreBench(options: OneCoreOptions): Promise<string> {
  const { log } = options;
  pinSelf('1');
  const ceilingServer = await startCeilingProcess({ cpuAffinity: '0' });
  let ceiling: LoadResult;
  try {
    ceiling = await runLoad(ceilingServer.url, {}, ceilingWorkload(), options.load, { serverPid: ceilingServer.pid });
  } finally {
    await ceilingServer.stop();
  }
  const out = [
    `one core (server on CPU 0, load on CPU 1; ${options.load.connections} connections, ${options.load.duration} s after ${options.load.warmup} s; random keys; npm start's configuration)`,
    `ceiling (constant JSON, same core): ${Math.round(ceiling.requestsPerSecond).toLocaleString('en-US')} req/s, p99 ${ceiling.latencyMs.p99} ms, ${us(ceiling)} µs CPU each`,
  ];
  log(out[1]!);
  for (const dialect of options.dialects) {
    const prepared = await benchDatabase(dialect, options.postgresUrl);
    if (typeof prepared === 'string') {
      out.push(`${dialect}: ${prepared}`);
      continue;
    }
    try {
      log(`${dialect}: seeding ${options.members.toLocaleString('en-US')} members …`);
      const seed = await seedWorkspace(prepared.store, { members: options.members, sampleSize: 20_000, groupMembers: 10 });
      const base = `/scim/v2/organizations/${seed.workspaceId}`;
      const sample: SeedSample = seed.sample;
      const workloads = [userNameLookup(base, sample), externalIdLookup(base, sample), getById(base, sample)].map(randomized);
      workloads.push(postUser(base), patchRfc(base, sample.ids.slice(0, 5_000)));
      const rows: Row[] = workloads.map((w) => ({ label: w.label, logged: null as never, quiet: null as never }));
      const floor = dialect === 'sqlite' ? await measureFloor(prepared.url.slice('sqlite:'.length), seed.token, workloads[0]!, options.load) : null;
      if (floor) log(`  floor (one indexed read and a User on the same Fastify, no auth, no log): ${Math.round(floor.requestsPerSecond)} req/s, ${us(floor)} µs CPU each`);
      for (const requestLog of [true, false]) {
        const gateway = await startGatewayProcess({ database: prepared.url, workers: 1, defaultLogging: true, requestLog, cpuAffinity: '0' });
        try {
          for (let i = 0; i < workloads.length; i++) {
            const result = await runLoad(gateway.url, scimHeaders(seed.token), workloads[i]!, options.load, { serverPid: gateway.pid });
            if (result.non2xx + result.errors > 0) throw new Error(`${workloads[i]!.label}: ${result.non2xx} non-2xx, ${result.errors} errors: ${result.errorSamples[0] ?? ''}`);
            rows[i]![requestLog ? 'logged' : 'quiet'] = result;
            log(`  ${dialect}, request log ${requestLog ? 'on ' : 'off'}: ${workloads[i]!.label}: ${Math.round(result.requestsPerSecond)} req/s, p99 ${result.latencyMs.p99} ms, ${us(result)} µs CPU each`);
          }
        } finally {
          await gateway.stop();
        }
      }
      if (options.profile) {
        // A gateway of its own that serves only userName lookups, so the profile is one request kind's.
        const profileDir = mkdtempSync(path.join(tmpdir(), 'rosterd-one-core-prof-'));
        const gateway = await startGatewayProcess({ database: prepared.url, workers: 1, defaultLogging: true, requestLog: true, cpuAffinity: '0', cpuProfileDir: profileDir });
        let result: LoadResult;
        try {
          result = await runLoad(gateway.url, scimHeaders(seed.token), workloads[0]!, options.load, { serverPid: gateway.pid });
        } finally {
          await gateway.stop(60_000);
        }
        out.push('', ...describeProfile(profileDir, us(result)));
      }
      out.push(
        '',
        `${dialect}, ${options.members.toLocaleString('en-US')} members | req/s (request log on, the default) | p99 ms | req/s (log.requests: false) | p99 ms | server µs/req (on / off) | of the ceiling (off)`,
        '---|---|---|---|---|---|---',
        ...rows.map((r) =>
          [
            r.label,
            Math.round(r.logged.requestsPerSecond).toLocaleString('en-US'),
            r.logged.latencyMs.p99,
            Math.round(r.quiet.requestsPerSecond).toLocaleString('en-US'),
            r.quiet.latencyMs.p99,
            `${us(r.logged)} / ${us(r.quiet)}`,
            `${((100 * r.quiet.requestsPerSecond) / ceiling.requestsPerSecond).toFixed(1)}%`,
          ].join(' | '),
        ),
        ...(floor
          ? [
              `floor: GET /Users?filter=userName eq as one indexed read and a User on the same Fastify (no auth, no log) | | | ${Math.round(floor.requestsPerSecond).toLocaleString('en-US')} | ${floor.latencyMs.p99} | ${us(floor)} | ${((100 * floor.requestsPerSecond) / ceiling.requestsPerSecond).toFixed(1)}%`,
            ]
          : []),
      );
    } finally {
      await prepared.drop();
    }
  }
  return `${out.join('\n')}\n`;
}

/** The floor server on the same core, loaded with the same random lookups. */
async function measureFloor(file: string, token: string, workload: HttpWorkload, load: LoadSettings): Promise<LoadResult> {
  const floor = await startFloorProcess(file, { cpuAffinity: '0' });
  try {
    return await runLoad(floor.url, scimHeaders(token), workload, load, { serverPid: floor.pid });
  } finally {
    await floor.stop();
  }
}

/** A userName-lookup gateway's profile by category, each also as µs of the measured CPU per lookup. */
function describeProfile(dir: string, usPerLookup: number): string[] {
  // The main thread's (thread id 0 in CPU.<date>.<time>.<pid>.<thread>.<n>.cpuprofile), not a read worker's.
  const files = readdirSync(dir).filter((f) => f.endsWith('.cpuprofile'));
  const main = files.find((f) => /\.\d+\.0\.\d+\.cpuprofile$/.test(f)) ?? files[0];
  if (!main) return [`no CPU profile in ${dir}`];
  const summary = summarizeProfile(JSON.parse(readFileSync(path.join(dir, main), 'utf8')), repoRoot, Number.MAX_SAFE_INTEGER);
  const busy = profileCategories(summary).filter((c) => !c.category.startsWith('idle'));
  const busyPercent = busy.reduce((sum, c) => sum + c.percent, 0);
  return [
    `where a userName lookup's ${usPerLookup} µs of CPU go (request log on; CPU profile in ${dir}, self time by category):`,
    ...busy.map((c) => `  ${c.percent.toFixed(1).padStart(5)}%  ${Math.round((usPerLookup * c.percent) / busyPercent).toString().padStart(4)} µs  ${c.category}`),
  ];
}
