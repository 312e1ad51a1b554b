import { hostname } from 'node:os';
import { createLogger } from '../../log/create-logger.js';
import { startCycle } from '../../reconcile/reconciler.js';
import type { ReconcileOutcome } from '../../reconcile/reconcile-request.js';
import { findPlan } from '../../store/plan-repository.js';
import type { Store } from '../../store/store.js';
import { withStore, type GlobalOptions } from '../open-store.js';
import { reconcileExitCode } from '../reconcile-exit-code.js';
import { requireWorkspace } from '../require-workspace.js';
import { writePlanFile, writePlanJson, writePlanTable } from '../view/plan-view.js';
import { createProgressView } from '../view/progress.js';

export interface ReconcileOptions {
  dryRun?: boolean;
  json?: boolean;
  out?: string;
  full?: boolean;
  user?: string;
  /** Parsed from --allow-deletes; undefined: the deletion budget applies. */
  allowDeletes?: number | undefined;
}

/** Plan a cycle, then apply it or (a dry run) keep it; print the plan or the outcome, and set the exit code. */
export async function reconcileAction(globals: GlobalOptions, workspaceId: string, options: ReconcileOptions): Promise<void> {
  await withStore(globals, async ({ config, store }) => {
    await requireWorkspace(store.db, workspaceId);
    // Quiet by default: the outcome is one line; ROSTERD_LOG_LEVEL=info shows the connector's own log.
    const log = createLogger({ level: process.env.ROSTERD_LOG_LEVEL ?? 'error', destination: process.stderr as never });
    const progress = createProgressView();
    const dryRun = Boolean(options.dryRun);
    const cycle = await startCycle(
      { store, config, log, clock: () => new Date() },
      {
        workspaceId,
        mode: options.user ? 'user' : options.full ? 'full' : 'auto',
        ...(options.user ? { user: options.user } : {}),
        dryRun,
        ...(options.allowDeletes !== undefined ? { allowDeletes: options.allowDeletes } : {}),
        trigger: 'cli',
        instance: `${hostname()}:${process.pid}`,
        onProgress: (p) => progress.update(p),
      },
    );
    const outcome = dryRun ? await cycle.keep() : await cycle.apply();
    progress.done();
    await report(store, outcome, options);
  });
}

/** The plan (table or JSON), the one-line outcome (an error on stderr), and the exit code. */
async function report(store: Store, outcome: ReconcileOutcome, options: ReconcileOptions): Promise<void> {
  const plan = outcome.planId ? await findPlan(store.db, outcome.planId) : undefined;
  const code = reconcileExitCode(outcome);
  if (plan && options.out) await writePlanFile(store.db, plan, options.out);
  if (options.json) {
    if (plan) await writePlanJson(store.db, plan, process.stdout);
    else process.stdout.write(`${JSON.stringify({ ...outcome, changes: [] }, null, 2)}\n`);
  } else if (plan && (options.dryRun || outcome.result === 'refused')) {
    await writePlanTable(store.db, plan, process.stdout);
  } else if (outcome.complete) {
    for (const warning of outcome.warnings) process.stdout.write(`warning: ${warning}\n`);
  }
  const line = `rosterd: ${outcome.message} (run ${outcome.runId})`;
  if (code === 1) process.stderr.write(`${oneLine(line)} [${outcome.errorCode ?? 'ROSTERD_E_INTERNAL'}]\n`);
  else (options.json ? process.stderr : process.stdout).write(`${line}\n`);
  process.exitCode = code;
}

const oneLine = (text: string) => text.replace(/\s*\n\s*/g, ' ');
