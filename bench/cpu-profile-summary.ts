import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { SourceMap } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * Summarise a V8 .cpuprofile (node --cpu-prof): the functions with the most self time and the most total
 * (inclusive) time, with positions mapped back to src/*.ts through tsc's source maps, plus self time per
 * package / file. `node dist/bench/cpu-profile-summary.js <file.cpuprofile | dir> [top]`.
 */

interface CallFrame {
  functionName: string;
  url: string;
  lineNumber: number;
  columnNumber: number;
}
interface ProfileNode {
  id: number;
  callFrame: CallFrame;
  children?: number[];
}
interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
  startTime: number;
  endTime: number;
}

export interface HotSpot {
  where: string;
  function: string;
  ms: number;
  percent: number;
}

export interface ProfileSummary {
  totalMs: number;
  self: HotSpot[];
  inclusive: HotSpot[];
  byFile: { file: string; ms: number; percent: number }[];
}

const maps = new Map<string, SourceMap | null>();

function sourceMapFor(file: string): SourceMap | null {
  if (!maps.has(file)) {
    let map: SourceMap | null = null;
    try {
      if (existsSync(`${file}.map`)) map = new SourceMap(JSON.parse(readFileSync(`${file}.map`, 'utf8')));
    } catch {
      map = null;
    }
    maps.set(file, map);
  }
  return maps.get(file)!;
}

/** `src/x.ts:42` for our compiled code, `node_modules/pkg/file.js:42` for dependencies, `(native)` for V8. */
function position(frame: CallFrame, root: string): string {
  if (!frame.url) return frame.functionName.startsWith('(') ? frame.functionName : '(native)';
  let file = frame.url.startsWith('file://') ? fileURLToPath(frame.url) : frame.url;
  let line = frame.lineNumber + 1;
  if (file.endsWith('.js') && file.includes(`${path.sep}dist${path.sep}`)) {
    const entry = sourceMapFor(file)?.findEntry(frame.lineNumber, frame.columnNumber);
    if (entry && 'originalSource' in entry && entry.originalSource) {
      const source = entry.originalSource.startsWith('file://') ? fileURLToPath(entry.originalSource) : path.resolve(path.dirname(file), entry.originalSource);
      file = source;
      line = entry.originalLine + 1;
    }
  }
  const relative = path.relative(root, file);
  return `${relative.startsWith('..') ? file : relative}:${line}`;
}

function fileGroup(where: string): string {
  const file = where.replace(/:\d+$/, '');
  const nm = file.lastIndexOf('node_modules/');
  if (nm >= 0) {
    const rest = file.slice(nm + 'node_modules/'.length).split('/');
    return `node_modules/${rest[0]!.startsWith('@') ? `${rest[0]}/${rest[1]}` : rest[0]}`;
  }
  return file;
}

export function summarizeProfile(profile: Profile, root: string, top = 25): ProfileSummary {
  const parent = new Map<number, number>();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const keyOf = new Map<number, string>();
  const label = new Map<string, { where: string; fn: string }>();
  for (const n of profile.nodes) {
    const where = position(n.callFrame, root);
    const fn = n.callFrame.functionName || '(anonymous)';
    const key = `${fn} ${where}`;
    keyOf.set(n.id, key);
    label.set(key, { where, fn });
  }
  const self = new Map<string, number>();
  const inclusive = new Map<string, number>();
  const files = new Map<string, number>();
  let total = 0;
  for (let i = 0; i < profile.samples.length; i++) {
    const us = profile.timeDeltas[i] ?? 0;
    const id = profile.samples[i]!;
    total += us;
    const key = keyOf.get(id)!;
    self.set(key, (self.get(key) ?? 0) + us);
    const group = fileGroup(label.get(key)!.where);
    files.set(group, (files.get(group) ?? 0) + us);
    const seen = new Set<string>();
    for (let at: number | undefined = id; at !== undefined; at = parent.get(at)) {
      const k = keyOf.get(at)!;
      if (seen.has(k)) continue;
      seen.add(k);
      inclusive.set(k, (inclusive.get(k) ?? 0) + us);
    }
  }
  const rank = (m: Map<string, number>, skip: (fn: string) => boolean): HotSpot[] =>
    [...m.entries()]
      .filter(([k]) => !skip(label.get(k)!.fn))
      .sort((a, b) => b[1] - a[1])
      .slice(0, top)
      .map(([k, us]) => ({ where: label.get(k)!.where, function: label.get(k)!.fn, ms: us / 1000, percent: (100 * us) / total }));
  const structural = new Set(['(root)', '(program)', '(idle)', '(garbage collector)']);
  return {
    totalMs: total / 1000,
    self: rank(self, () => false),
    inclusive: rank(inclusive, (fn) => structural.has(fn) || fn === '(anonymous)' || fn === 'processTicksAndRejections' || fn === 'listOnTimeout'),
    byFile: [...files.entries()].sort((a, b) => b[1] - a[1]).slice(0, top).map(([file, us]) => ({ file, ms: us / 1000, percent: (100 * us) / total })),
  };
}

export function formatSummary(summary: ProfileSummary, top = 25): string {
  const row = (h: HotSpot) => `  ${h.percent.toFixed(1).padStart(5)}%  ${h.ms.toFixed(0).padStart(7)} ms  ${h.function}  ${h.where}`;
  return [
    `CPU profile: ${(summary.totalMs / 1000).toFixed(1)} s sampled`,
    'self time:',
    ...summary.self.slice(0, top).map(row),
    'total (inclusive) time:',
    ...summary.inclusive.slice(0, top).map(row),
    'self time by package / file:',
    ...summary.byFile.slice(0, top).map((f) => `  ${f.percent.toFixed(1).padStart(5)}%  ${f.ms.toFixed(0).padStart(7)} ms  ${f.file}`),
  ].join('\n');
}

export function summarizeProfileFile(file: string, root: string, top = 25): string {
  const target = existsSync(file) && !file.endsWith('.cpuprofile')
    ? readdirSync(file).filter((f) => f.endsWith('.cpuprofile')).map((f) => path.join(file, f))
    : [file];
  return target.map((f) => `${f}\n${formatSummary(summarizeProfile(JSON.parse(readFileSync(f, 'utf8')) as Profile, root, top), top)}`).join('\n\n');
}

if (process.argv[1] && fileURLToPath(import.meta.url) === path.resolve(process.argv[1])) {
  const [file, top] = process.argv.slice(2);
  if (!file) {
    process.stderr.write('usage: node dist/bench/cpu-profile-summary.js <file.cpuprofile | dir> [top]\n');
    process.exit(2);
  }
  const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
  process.stdout.write(`${summarizeProfileFile(file, root, Number(top ?? 25))}\n`);
}
