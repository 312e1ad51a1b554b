import type { Command } from 'commander';
import type { GlobalOptions } from '../open-store.js';

// The actions load the store and the reconciler only when they run, so other commands start quickly.
const actions = () => import('../action/plan-actions.js');

export function registerPlanCommand(program: Command, globals: () => GlobalOptions): void {
  const plan = program.command('plan').description('kept plans: dry runs and plans waiting for approval');

  plan
    .command('show <id>')
    .description('print a plan: counts per action, then each change with the fields that differ and why')
    .option('--json', 'print the plan as JSON')
    .action(async (id: string, options: { json?: boolean }) => (await actions()).showPlanAction(globals(), id, options));

  plan
    .command('approve <id>')
    .description('apply a plan that is waiting for approval (over the deletion budget), if the workspace has not changed since')
    .action(async (id: string) => (await actions()).approvePlanAction(globals(), id));

  plan
    .command('reject <id>')
    .description("reject a plan that is waiting for approval: nothing of it is applied, and the binding's next cycle plans afresh")
    .action(async (id: string) => (await actions()).rejectPlanAction(globals(), id));

  program
    .command('apply <file>')
    .description('apply a plan saved with reconcile --dry-run --out <file>, if the workspace has not changed since it was computed')
    .action(async (file: string) => (await actions()).applyPlanFileAction(globals(), file));
}
