import { hostname } from 'node:os';
import { readFileSync } from 'node:fs';
import { approvePlan, rejectPendingPlan } from '../../admin/decide-plan.js';
import { RosterdError } from '../../error/rosterd-error.js';
import { applySavedPlan } from '../../reconcile/apply-saved-plan.js';
import { findPlan } from '../../store/plan-repository.js';
import { withStore, type GlobalOptions } from '../open-store.js';
import { reconcileExitCode } from '../reconcile-exit-code.js';
import { resolvePlanId } from '../resolve-plan-id.js';
import { writePlanJson, writePlanTable } from '../view/plan-view.js';

const instance = () => `${hostname()}:${process.pid}`;

export async function showPlanAction(globals: GlobalOptions, id: string, options: { json?: boolean }): Promise<void> {
  await withStore(globals, async ({ store }) => {
    const found = await findPlan(store.db, await resolvePlanId(store.db, id));
    if (!found) throw new RosterdError('ROSTERD_E_PLAN', `plan ${id} does not exist; see rosterd runs <workspace>`);
    if (options.json) await writePlanJson(store.db, found, process.stdout);
    else await writePlanTable(store.db, found, process.stdout);
  });
}

export async function approvePlanAction(globals: GlobalOptions, id: string): Promise<void> {
  await withStore(globals, async ({ store }) => {
    const outcome = await approvePlan(store, await resolvePlanId(store.db, id), { decidedBy: 'cli', clock: () => new Date(), instance: instance() });
    process.stdout.write(`rosterd: ${outcome.message} (run ${outcome.runId})\n`);
    process.exitCode = reconcileExitCode(outcome);
  });
}

/** `rosterd plan reject <id>`: the pending plan is never applied; the binding's next cycle plans afresh. */
export async function rejectPlanAction(globals: GlobalOptions, id: string): Promise<void> {
  await withStore(globals, async ({ store }) => {
    const plan = await rejectPendingPlan(store, await resolvePlanId(store.db, id), { decidedBy: 'cli', clock: () => new Date() });
    process.stdout.write(`rosterd: rejected plan ${plan.id} of ${plan.source} (workspace ${plan.workspaceId}, ${plan.changeCount} changes); nothing was applied, and the binding's next cycle plans afresh\n`);
  });
}

export async function applyPlanFileAction(globals: GlobalOptions, file: string): Promise<void> {
  const id = planIdOf(file);
  await withStore(globals, async ({ store }) => {
    const stored = await findPlan(store.db, id);
    if (!stored) throw new RosterdError('ROSTERD_E_PLAN', `plan ${id} from ${file} is not in this database; was it made with another --database?`);
    const outcome = await applySavedPlan(store, id, { trigger: 'apply', decidedBy: 'cli', clock: () => new Date(), instance: instance() });
    process.stdout.write(`rosterd: ${outcome.message} (run ${outcome.runId})\n`);
    process.exitCode = reconcileExitCode(outcome);
  });
}

/** The file is the admin's handle on a stored plan: its id says which one; the stored copy is what runs. */
function planIdOf(file: string): string {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new RosterdError('ROSTERD_E_USAGE', `cannot read ${file}: ${(error as Error).message}`);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new RosterdError('ROSTERD_E_USAGE', `${file} is not JSON; save a plan with rosterd reconcile <workspace> --dry-run --out ${file}`);
  }
  const id = (parsed as { id?: unknown })?.id;
  if (typeof id !== 'string' || id === '') throw new RosterdError('ROSTERD_E_USAGE', `${file} has no plan "id"; save a plan with rosterd reconcile <workspace> --dry-run --out ${file}`);
  return id;
}
