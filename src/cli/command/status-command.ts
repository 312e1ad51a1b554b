import type { Command } from 'commander';
import type { GlobalOptions } from '../open-store.js';

export function registerStatusCommand(program: Command, globals: () => GlobalOptions): void {
  program
    .command('status <workspace>')
    .description('per pull binding: last good cycle, last full read, a plan waiting for approval, and the members in drift with the reasons')
    .option('--json', 'print JSON')
    .action(async (workspaceId: string, options: { json?: boolean }) => {
      // Loaded only when it runs, so `rosterd --help` and the other commands start quickly.
      const { statusAction } = await import('../action/status-action.js');
      await statusAction(globals(), workspaceId, options.json ? { json: true } : {});
    });
}
