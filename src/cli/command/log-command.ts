import type { Command } from 'commander';
import { RosterdError } from '../../error/rosterd-error.js';
import { readLog } from '../../store/provisioning-log-repository.js';
import { withStore, type GlobalOptions } from '../open-store.js';
import { requireWorkspace } from '../require-workspace.js';
import { parseSince } from '../parse-since.js';
import { print, printJson, renderTable } from '../view/table.js';

const summarize = (value: Record<string, unknown> | null) =>
  value === null ? '' : Object.entries(value).map(([k, v]) => `${k}=${typeof v === 'object' ? JSON.stringify(v) : String(v)}`).join(' ').slice(0, 80);

export function registerLogCommand(program: Command, globals: () => GlobalOptions): void {
  program
    .command('log <workspace>')
    .description('the provisioning log: every write attempt, applied or refused')
    .option('--since <when>', 'ISO time or a duration back from now (30m, 2h, 7d)')
    .option('--limit <n>', 'at most this many entries (newest)', '200')
    .option('--json', 'print JSON')
    .action(async (workspaceId: string, options: { since?: string; limit: string; json?: boolean }) => {
      const limit = Number(options.limit);
      if (!Number.isInteger(limit) || limit < 1) throw new RosterdError('ROSTERD_E_USAGE', `--limit must be a positive integer, got "${options.limit}"`);
      const since = options.since ? parseSince(options.since, new Date()) : undefined;
      await withStore(globals(), async ({ store }) => {
        await requireWorkspace(store.db, workspaceId);
        const entries = await readLog(store.db, workspaceId, { limit, ...(since ? { since } : {}) });
        if (options.json) return printJson(entries);
        if (entries.length === 0) return print('no provisioning log entries');
        print(
          renderTable(
            ['AT', 'ACTOR', 'OPERATION', 'TARGET', 'RESULT', 'CHANGE / ERROR'],
            entries.map((e) => [
              e.at,
              e.actor,
              e.operation,
              e.targetKey ?? e.targetId,
              e.result === 'refused' ? `refused ${e.errorStatus ?? ''}`.trim() : e.result,
              e.result === 'refused' ? e.errorDetail : summarize(e.after ?? e.before),
            ]),
          ),
        );
      });
    });
}
