import type { Command } from 'commander';
import { listRuns } from '../../store/sync-run-repository.js';
import { describe } from '../../reconcile/reconciler.js';
import { withStore, type GlobalOptions } from '../open-store.js';
import { requireWorkspace } from '../require-workspace.js';
import { print, printJson, renderTable } from '../view/table.js';
import { parseCount } from './reconcile-command.js';

const seconds = (start: string, end: string | null) => (end ? `${((Date.parse(end) - Date.parse(start)) / 1000).toFixed(1)} s` : 'running');

export function registerRunsCommand(program: Command, globals: () => GlobalOptions): void {
  program
    .command('runs <workspace>')
    .description('past pull cycles: when, source, mode, counts, duration, result and plan')
    .option('--limit <n>', 'at most this many runs (newest first)', '20')
    .option('--json', 'print JSON')
    .action(async (workspaceId: string, options: { limit: string; json?: boolean }) => {
      const limit = parseCount('--limit', options.limit) || 20;
      await withStore(globals(), async ({ store }) => {
        await requireWorkspace(store.db, workspaceId);
        const runs = await listRuns(store.db, workspaceId, limit);
        if (options.json) return printJson(runs);
        if (runs.length === 0) return print('no runs yet; start one with rosterd reconcile ' + workspaceId);
        print(
          renderTable(
            ['STARTED', 'SOURCE', 'MODE', 'TRIGGER', 'READ', 'CHANGES', 'DURATION', 'RESULT', 'PLAN'],
            runs.map((r) => [
              r.startedAt,
              `connector:${r.binding}`,
              r.mode + (r.dryRun ? ' (dry run)' : ''),
              r.trigger,
              r.membersRead,
              r.summary ? describe(r.summary) : '',
              seconds(r.startedAt, r.finishedAt),
              r.result + (r.complete === false ? ' (incomplete read)' : '') + (r.error ? `: ${r.error}` : ''),
              r.planId,
            ]),
          ),
        );
      });
    });
}
