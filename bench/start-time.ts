import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { median } from './median.js';
import { repoRoot } from './server-process.js';

/** What `npm start` costs before SCIM is served: the build check, then the gateway to listening. */
export interface StartTimes {
  /** `tsc -p tsconfig.build.json` with `dist/` current: what `npm start`'s prestart runs every time. */
  buildCheckSeconds: number[];
  /** `rosterd start` on a new SQLite database (migrations, the demo workspace and its key) to "listening". */
  firstStartSeconds: number[];
  /** The same on the database the first start made. */
  laterStartSeconds: number[];
}

/** Spawn `rosterd start` and resolve with the seconds until it prints where it listens; it is then stopped. */
function timeStart(database: string): Promise<number> {
  const started = performance.now();
  const child = spawn(process.execPath, [path.join(repoRoot, 'dist/src/cli/main.js'), '--database', database, 'start', '--port', '0'], {
    env: { ...process.env, ROSTERD_CONFIG: '', ROSTERD_LOG_LEVEL: 'warn' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  return new Promise((resolve, reject) => {
    let out = '';
    let seconds: number | null = null;
    child.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      if (seconds !== null || !out.includes('rosterd is listening')) return;
      seconds = (performance.now() - started) / 1000;
      child.kill('SIGTERM');
    });
    child.once('exit', (code) => (seconds === null ? reject(new Error(`rosterd start exited with ${code} before listening`)) : resolve(seconds)));
  });
}

/** `rounds` of each measurement, one after another. */
export async function measureStartTimes(rounds: number): Promise<StartTimes> {
  const times: StartTimes = { buildCheckSeconds: [], firstStartSeconds: [], laterStartSeconds: [] };
  const tsc = path.join(repoRoot, 'node_modules/typescript/bin/tsc');
  for (let round = 0; round < rounds; round++) {
    const started = performance.now();
    const build = spawnSync(process.execPath, [tsc, '-p', path.join(repoRoot, 'tsconfig.build.json')], { cwd: repoRoot, encoding: 'utf8' });
    if (build.status !== 0) throw new Error(`the build failed:\n${build.stdout}${build.stderr}`);
    times.buildCheckSeconds.push((performance.now() - started) / 1000);
    const dir = mkdtempSync(path.join(tmpdir(), 'rosterd-bench-start-'));
    try {
      const database = `sqlite:${path.join(dir, 'rosterd.db')}`;
      times.firstStartSeconds.push(await timeStart(database));
      times.laterStartSeconds.push(await timeStart(database));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }
  return times;
}

export function describeStartTimes(times: StartTimes): string {
  const row = (label: string, values: number[]) => `  ${label}: median ${median(values).toFixed(2)} s (${values.map((v) => v.toFixed(2)).join(', ')})`;
  return [
    'start time (npm start = build check + rosterd start; target: first start to listening under 10 s after install)',
    row('build check with dist/ current', times.buildCheckSeconds),
    row('rosterd start, new database, to listening', times.firstStartSeconds),
    row('rosterd start, existing database, to listening', times.laterStartSeconds),
    `  npm start after install: ${(median(times.buildCheckSeconds) + median(times.firstStartSeconds)).toFixed(2)} s plus npm's own start-up`,
    '',
  ].join('\n');
}
