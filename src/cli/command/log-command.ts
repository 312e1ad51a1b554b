import type { Command } from 'commander';
import { RosterdError } from '../../error/rosterd-error.js';
import type { GlobalOptions } from '../open-store.js';
import { parseSince } from '../parse-since.js';

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
      // Loaded only when it runs, so `rosterd --help` and the other commands start quickly.
      const { logAction } = await import('../action/log-action.js');
      await logAction(globals(), workspaceId, { limit, ...(since ? { since } : {}), ...(options.json ? { json: true } : {}) });
    });
}
