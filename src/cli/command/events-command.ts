import type { Command } from 'commander';
import type { GlobalOptions } from '../open-store.js';
import { parseCount } from '../parse-count.js';

export function registerEventsCommand(program: Command, globals: () => GlobalOptions): void {
  program
    .command('events <workspace>')
    .description("a workspace's event log: every applied change, numbered in commit order")
    .option('--after <seq>', 'start after this sequence number (default: the last --limit events)')
    .option('--limit <n>', 'at most this many events (without --follow)', '100')
    .option('--follow', 'keep printing events as they commit, until interrupted')
    .option('--json', 'print each event as one line of JSON')
    .action(async (workspaceId: string, options: { after?: string; limit: string; follow?: boolean; json?: boolean }) => {
      const after = parseCount('--after', options.after);
      const limit = parseCount('--limit', options.limit)!;
      // Loaded only when it runs, so `rosterd --help` and the other commands start quickly.
      const { eventsAction } = await import('../action/events-action.js');
      await eventsAction(globals(), workspaceId, { limit: Math.max(1, limit), ...(after !== undefined ? { after } : {}), follow: options.follow === true, json: options.json === true });
    });
}
