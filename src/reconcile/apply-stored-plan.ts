import { RosterdError } from '../error/rosterd-error.js';
import type { Change } from '../model/plan.js';
import type { Store } from '../store/create-db.js';
import { planChanges, updatePlan, type StoredPlan } from '../store/plan-repository.js';
import { findWorkspace } from '../store/workspace-repository.js';
import { apply, LeaseLost } from './apply.js';
import { Tally } from './tally.js';
import type { LeaseFence } from './reconcile-request.js';

// A stored plan applied in batches, each batch one `apply` in each mode: an interrupted apply leaves every change
// either applied or not, and the next cycle converges. With `strictBasis` (a saved or approved plan) the whole plan is
// refused when the workspace has changed at all since it was computed: what the admin reviewed is what runs.

export interface ApplyStoredOptions {
  actor: string;
  /** Who is recorded as deciding a stale plan (`cli` for an admin's approve or apply); default: the actor. */
  decidedBy?: string;
  strictBasis: boolean;
  now: () => string;
  signal?: AbortSignal;
  /** Checked first in each batch's transaction; a lost lease rolls the batch back and ends the apply as interrupted. */
  fence?: LeaseFence;
  onBatch?: (applied: number) => void;
  /** Changes per transaction; default BATCH. */
  batchSize?: number;
}

export interface ApplyStoredResult {
  /** What each change came to. */
  tally: Tally;
  interrupted: boolean;
}

/** Changes per transaction: a commit rewrites every index page its rows touched, so fewer, larger ones write far less. */
const BATCH = 5000;

/**
 * From this many changes on, the planner's statistics are refreshed before the plan is read back (a plan just
 * written is unknown to them: dialect-support.ts `analyze`); a smaller plan costs little to read either way.
 */
const ANALYZE_FROM = 10_000;

export async function applyStoredPlan(store: Store, plan: StoredPlan, options: ApplyStoredOptions): Promise<ApplyStoredResult> {
  const workspace = await findWorkspace(store.db, plan.workspaceId);
  if (!workspace) throw new RosterdError('ROSTERD_E_NOT_FOUND', `workspace "${plan.workspaceId}" no longer exists`);
  if (options.strictBasis && workspace.revision !== plan.basis) {
    await updatePlan(store.db, plan.id, { status: 'stale', decidedAt: options.now(), decidedBy: options.decidedBy ?? options.actor });
    throw new RosterdError(
      'ROSTERD_E_PLAN',
      `plan ${plan.id} is stale: it was computed at workspace revision ${plan.basis} and workspace "${workspace.id}" is at revision ${workspace.revision} now; run rosterd reconcile ${workspace.id} again`,
    );
  }
  if (plan.changeCount >= ANALYZE_FROM) await store.dialect.analyze(['plan_change'])?.execute(store.db);
  const tally = new Tally();
  let done = 0;
  let batch: Change[] = [];
  /** False when the cycle's lease was lost: that batch rolled back, and nothing more may be applied. */
  const flush = async (): Promise<boolean> => {
    if (batch.length === 0) return true;
    const changes = batch;
    batch = [];
    try {
      const outcome = await apply(store, plan.workspaceId, async () => ({ changes, value: null }), {
        actor: options.actor,
        requestId: plan.id,
        now: options.now,
        mode: 'each',
        ...(options.fence ? { fence: options.fence } : {}),
      });
      for (const result of outcome.results) tally.add(result);
    } catch (error) {
      if (error instanceof LeaseLost) return false;
      throw error;
    }
    done += changes.length;
    options.onBatch?.(done);
    return true;
  };
  for await (const page of planChanges(store.db, plan.id)) {
    for (const change of page) {
      batch.push(change);
      if (batch.length >= (options.batchSize ?? BATCH)) {
        if (options.signal?.aborted || !(await flush())) return { tally, interrupted: true };
      }
    }
  }
  if (options.signal?.aborted && batch.length > 0) return { tally, interrupted: true };
  if (!(await flush())) return { tally, interrupted: true };
  return { tally, interrupted: false };
}
