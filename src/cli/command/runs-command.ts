import type { Command } from 'commander';
import type { GlobalOptions } from '../open-store.js';
import { parseCount } from '../parse-count.js';

export function registerRunsCommand(program: Command, globals: () => GlobalOptions): void {
  program
    .command('runs <workspace>')
    .description('past pull cycles: when, source, mode, counts, duration, result and plan')
    .option('--limit <n>', 'at most this many runs (newest first)', '20')
    .option('--json', 'print JSON')
    .action(async (workspaceId: string, options: { limit: string; json?: boolean }) => {
      const limit = parseCount('--limit', options.limit) || 20;
      // Loaded only when it runs, so `rosterd --help` and the other commands start quickly.
      const { runsAction } = await import('../action/runs-action.js');
      await runsAction(globals(), workspaceId, { limit, ...(options.json ? { json: true } : {}) });
    });
}
