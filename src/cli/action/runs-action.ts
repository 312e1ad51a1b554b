import { describe } from '../../reconcile/tally.js';
import { listRuns } from '../../store/sync-run-repository.js';
import { withStore, type GlobalOptions } from '../open-store.js';
import { requireWorkspace } from '../require-workspace.js';
import { print, printJson, renderTable } from '../view/table.js';

const seconds = (start: string, end: string | null) => (end ? `${((Date.parse(end) - Date.parse(start)) / 1000).toFixed(1)} s` : 'running');

export async function runsAction(globals: GlobalOptions, workspaceId: string, options: { limit: number; json?: boolean }): Promise<void> {
  await withStore(globals, async ({ store }) => {
    await requireWorkspace(store.db, workspaceId);
    const runs = await listRuns(store.db, workspaceId, options.limit);
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
          r.result + (r.drift ? ` (${r.drift} in drift)` : '') + (r.error ? `: ${r.error}` : ''),
          r.planId,
        ]),
      ),
    );
  });
}
