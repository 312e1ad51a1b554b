import type { ReconcileBenchOptions, RunReport } from '../reconcile-bench.js';
import { judge } from './targets.js';

/** The reconcile benchmark's table and the notes under it. */

const num = (n: number) => Math.round(n).toLocaleString('en-US');
const mbOf = (bytes: number) => bytes / 1024 / 1024;
const mb = (bytes: number | undefined) => (bytes === undefined || !Number.isFinite(bytes) ? '-' : `${Math.round(mbOf(bytes))} MB`);
const sec = (s: number | undefined) => (s === undefined ? '-' : s < 10 ? s.toFixed(2) : s.toFixed(1));
const profiled = (r: RunReport, cycle: string) => r.profiles.some((p) => p.cycle === cycle);
const verdict = (ok: boolean | null) => (ok === null ? '-' : ok ? 'pass' : 'MISS');

function table(head: string[], rows: string[][], right: Set<number>): string {
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) => cells.map((c, i) => (right.has(i) ? c.padStart(widths[i]!) : c.padEnd(widths[i]!))).join('  ').trimEnd();
  return [line(head), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}

export function renderReconcileTable(options: ReconcileBenchOptions, reports: RunReport[]): string {
  const out: string[] = [''];
  out.push('rosterd reconcile benchmark — reconcile() with the real Entra connector against the fake Graph (pages of 999, 127.0.0.1), fake and client in separate processes');
  out.push('floor = the same pages with plain fetch + JSON.parse (after one warm-up read); reconcile = mode full from an empty store, one run in a new process (plan = read + compare + plan rows, apply = the batches);');
  out.push(`× floor = reconcile ÷ floor; peak RSS = the client after the full cycle (ru_maxrss); incr = mode auto from the saved cursor after ${options.changes} changes;`);
  out.push('quiet = mode auto with nothing changed (its floor: the same requests with plain fetch; Graph has no delta for app-role assignments, so they list them all);');
  out.push('drifted = mode auto after 1,000 members were written elsewhere and 100 records say refused (check = its drift check, ms); again = mode full with nothing to do (× floor);');
  out.push('CPU s = client / fake CPU seconds during the full cycle; pg% / oth% = PostgreSQL / every other process, % of one core. Targets are reported, not asserted.');
  const head = ['members', 'dialect', 'floor s', 'reconcile s', '× floor', 'plan s / apply s', 'peak RSS', 'CPU s cli/fake', 'pg%', 'oth%', 'incr s', 'quiet s (floor)', 'drifted s (check)', 'again s (× floor)', 'target', 'time', 'RSS', 'incr', 'quiet', 'again', 'check'];
  const rows = reports.map((r) => {
    if (r.skipped) return [num(r.members), r.dialect, 'skipped', ...head.slice(3).map(() => '')];
    const full = r.full;
    const floor = r.floor?.result.seconds;
    const j = judge(r);
    return [
      num(r.members),
      r.dialect,
      sec(floor),
      sec(full?.result.seconds),
      full && floor ? (full.result.seconds / floor).toFixed(1) : '-',
      full ? `${sec(full.result.planSeconds)} / ${sec(full.result.applySeconds)}` : '-',
      mb(full?.result.stats.maxRss),
      full ? `${full.clientCpuSeconds.toFixed(1)}/${full.fakeCpuSeconds.toFixed(1)}` : '-',
      full ? String(full.postgresPercent) : '-',
      full ? String(full.otherPercent) : '-',
      sec(r.incremental?.result.seconds) + (profiled(r, 'incremental') ? ' *' : ''),
      r.quiet ? `${sec(r.quiet.result.seconds)} (${sec(r.incrementalFloor)})${profiled(r, 'quiet') ? ' *' : ''}` : '-',
      r.drifted ? `${sec(r.drifted.result.seconds)} (${Math.round((r.drifted.result.outcome.driftCheck?.seconds ?? 0) * 1000)} ms)${profiled(r, 'drifted') ? ' *' : ''}` : '-',
      r.again ? `${sec(r.again.result.seconds)} (${floor ? (r.again.result.seconds / floor).toFixed(1) : '-'})${profiled(r, 'again') ? ' *' : ''}` : '-',
      j.target,
      verdict(j.time),
      verdict(j.rss),
      verdict(j.incremental),
      verdict(j.quiet),
      verdict(j.again),
      r.failures.length ? 'FAIL' : 'ok',
    ];
  });
  out.push(table(head, rows, new Set([0, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13])));
  for (const r of reports) {
    if (r.skipped) continue;
    const name = `${num(r.members)} ${r.dialect}`;
    const parts = [`fake seeded in ${sec(r.seedSeconds)} s, fake peak RSS ${mb(r.fakePeakRss)}`];
    if (r.floor) parts.push(`floor ${num(r.floor.result.requests)} requests, ${mb(r.floor.result.bytes)}`);
    const full = r.full?.result;
    if (full) {
      const s = full.outcome.summary;
      parts.push(`full: ${num(full.outcome.membersRead)} read, ${num(s.create)} creates (members + groups + memberships), ${num(r.full!.requests)} requests, RSS sampled while planning ≤ ${mb(full.rssSampled.plan)}, while applying ≤ ${mb(full.rssSampled.apply)}`);
      if (full.counts) parts.push(`store: ${num(full.counts.members)} members, ${num(full.counts.groupMembers)} group memberships, ${num(full.counts.planChanges)} plan_change rows, ${num(full.counts.logEntries)} log entries, ${mb(full.counts.bytes)}`);
    }
    const inc = r.incremental;
    if (inc) {
      const s = inc.result.outcome.summary;
      parts.push(`incremental: ${inc.result.outcome.membersRead} changes read, ${s.update} updates, ${s.deactivate} deactivations, ${num(inc.requests)} requests (plan ${sec(inc.result.planSeconds)} s + apply ${sec(inc.result.applySeconds)} s)`);
    }
    const quiet = r.quiet?.result;
    if (quiet) parts.push(`quiet: ${quiet.outcome.result}, drift check ${Math.round((quiet.outcome.driftCheck?.seconds ?? 0) * 1000)} ms, ${num(r.quiet!.requests)} requests`);
    const drifted = r.drifted?.result;
    if (drifted) parts.push(`drifted: ${drifted.outcome.result}, drift check planned ${num(drifted.outcome.driftCheck?.members ?? 0)} users again in ${Math.round((drifted.outcome.driftCheck?.seconds ?? 0) * 1000)} ms`);
    const again = r.again?.result;
    if (again) parts.push(`again: ${again.outcome.result}, client peak RSS at the end ${mb(again.stats.maxRss)}`);
    out.push(`  ${name}: ${parts.join('; ')}`);
    for (const w of full?.outcome.warnings ?? []) out.push(`  ${name} warning: ${w}`);
    for (const f of r.failures) out.push(`  ${name} FAILURE: ${f}`);
  }
  if (reports.some((r) => (r.full?.otherPercent ?? 0) >= 25)) out.push('  oth% ≥ 25: other jobs competed for the CPU during that cycle; its time overstates what the cycle needs');
  if (reports.some((r) => r.profiles.some((p) => p.cycle !== 'full'))) out.push('  * measured under the CPU profiler');
  for (const r of reports) {
    for (const p of r.profiles) {
      const where = p.cycle === 'full' ? 'a separate run' : 'the measured run';
      out.push('', `CPU profile of the ${num(r.members)} ${r.dialect} ${p.cycle === 'again' ? 'second full' : p.cycle} cycle (${where}, ${sec(p.seconds)} s under the profiler):`, p.summary);
    }
  }
  return out.join('\n');
}
