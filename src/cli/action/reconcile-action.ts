import { hostname } from 'node:os';
import { createLogger } from '../../log/create-logger.js';
import { reconcile } from '../../reconcile/reconciler.js';
import type { ReconcileOutcome } from '../../reconcile/reconcile-request.js';
import { findPlan } from '../../store/plan-repository.js';
import type { Store } from '../../store/create-db.js';
import { withStore, type GlobalOptions } from '../open-store.js';
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

export async function reconcileAction(globals: GlobalOptions, workspaceId: string, options: ReconcileOptions): Promise<void> {
  await withStore(globals, async ({ config, store }) => {
    await requireWorkspace(store.db, workspaceId);
    // Quiet by default: the outcome is one line; ROSTERD_LOG_LEVEL=info shows the connector's own log.
    const log = createLogger({ level: process.env.ROSTERD_LOG_LEVEL ?? 'error', destination: process.stderr as never });
    const progress = createProgressView();
    const outcome = await reconcile(
      { store, config, log, clock: () => new Date() },
      {
        workspaceId,
        mode: options.user ? 'user' : options.full ? 'full' : 'auto',
        ...(options.user ? { user: options.user } : {}),
        dryRun: Boolean(options.dryRun),
        ...(options.allowDeletes !== undefined ? { allowDeletes: options.allowDeletes } : {}),
        trigger: 'cli',
        instance: `${hostname()}:${process.pid}`,
        onProgress: (p) => progress.update(p),
      },
    );
    progress.done();
    await report(store, outcome, options);
  });
}

/**
 * An IdP read that stopped partway (a 5xx or a timeout the connector's retries did not get past) applied what it
 * read and deprovisioned nobody, so the workspace may still differ from the IdP. For whoever runs the command that
 * is an error (ARCHITECTURE.md: "always 1 on an error"), even though the run is recorded as applied.
 */
const readFailed = (outcome: ReconcileOutcome) => !outcome.complete && (outcome.exitCode === 0 || outcome.exitCode === 2);

/** The plan (table or JSON), the one-line outcome (an error on stderr), and the exit code. */
async function report(store: Store, outcome: ReconcileOutcome, options: ReconcileOptions): Promise<void> {
  const plan = outcome.planId ? await findPlan(store.db, outcome.planId) : undefined;
  const incomplete = readFailed(outcome);
  if (plan && options.out) await writePlanFile(store.db, plan, options.out);
  if (options.json) {
    if (plan) await writePlanJson(store.db, plan, process.stdout);
    else process.stdout.write(`${JSON.stringify({ ...outcome, changes: [] }, null, 2)}\n`);
  } else if (plan && (options.dryRun || outcome.result === 'refused')) {
    await writePlanTable(store.db, plan, process.stdout);
  } else if (outcome.warnings.length && !incomplete) {
    for (const warning of outcome.warnings) process.stdout.write(`warning: ${warning}\n`);
  }
  const line = `rosterd: ${outcome.message} (run ${outcome.runId})`;
  if (outcome.exitCode === 1) process.stderr.write(`${line} [${outcome.errorCode ?? 'ROSTERD_E_INTERNAL'}]\n`);
  // Not "no changes … the workspace already matches the IdP" after a read that stopped partway: that is not known.
  else if (!(incomplete && outcome.result === 'no_changes')) (options.json ? process.stderr : process.stdout).write(`${line}\n`);
  if (incomplete) {
    const why = (outcome.warnings.join('; ') || 'the IdP read was incomplete').replace(/\s*\n\s*/g, ' ');
    process.stderr.write(`rosterd: ${why} (run ${outcome.runId}) [ROSTERD_E_CONNECTOR]\n`);
  }
  process.exitCode = incomplete ? 1 : outcome.exitCode;
}
