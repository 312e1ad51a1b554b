import type { Command } from 'commander';
import { RosterdError } from '../../error/rosterd-error.js';
import type { GlobalOptions } from '../open-store.js';
import { parseCount } from '../parse-count.js';

interface ReconcileFlags {
  dryRun?: boolean;
  json?: boolean;
  out?: string;
  full?: boolean;
  user?: string;
  allowDeletes?: string;
}

export function registerReconcileCommand(program: Command, globals: () => GlobalOptions): void {
  program
    .command('reconcile <workspace>')
    .description("read the workspace's IdP, plan the changes, and apply them (exit 0 applied or nothing to do, 2 dry run with changes, 1 error, 3 refused by the deletion budget)")
    .option('--dry-run', 'plan only: print what would change and apply nothing')
    .option('--json', 'print the plan as JSON instead of a table')
    .option('--out <file>', 'also save the plan as JSON, for rosterd apply <file>')
    .option('--full', 'ignore the delta cursor and re-read everything (like Entra\'s "Restart provisioning")')
    .option('--user <id>', 'provision one member on demand, by externalId or userName (like Entra\'s "Provision on demand")')
    .option('--allow-deletes <n>', 'let up to N deactivations and removals through even over the deletion budget')
    .action(async (workspaceId: string, flags: ReconcileFlags) => {
      const allowDeletes = parseCount('--allow-deletes', flags.allowDeletes);
      if (flags.full && flags.user) throw new RosterdError('ROSTERD_E_USAGE', '--full and --user cannot be combined: --user reads one member');
      // The reconciler, the store and the connectors load only when it runs, so other commands start quickly.
      const { reconcileAction } = await import('../action/reconcile-action.js');
      await reconcileAction(globals(), workspaceId, { ...flags, allowDeletes });
    });
}
