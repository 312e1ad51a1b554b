import { RosterdError } from '../error/rosterd-error.js';
import type { Change } from '../model/plan.js';
import type { Store } from '../store/store.js';
import { planChanges, updatePlan, type StoredPlan } from '../store/plan-repository.js';
import { findWorkspace } from '../store/workspace-repository.js';
import { apply, LeaseLost } from './apply.js';
import { Tally } from './tally.js';
import type { LeaseFence } from './reconcile-request.js';

// A stored plan applied in batches of `apply` each mode: an interrupted apply leaves each change applied or not, and
// the next cycle converges. `strictBasis` refuses the plan if the workspace changed since: what was reviewed runs.

export interface ApplyStoredOptions {
  actor: string;
  /** Recorded as deciding a stale plan; default: the actor. */
  decidedBy?: string;
  strictBasis: boolean;
  now: () => string;
  signal?: AbortSignal;
  fence?: LeaseFence;
  onBatch?: (applied: number) => void;
  batchSize?: number;
}

export interface ApplyStoredResult {
  tally: Tally;
  interrupted: boolean;
}

/** Every commit rewrites the index pages it touched, so fewer, larger transactions write far less. */
const BATCH = 5000;

/** Refresh planner statistics first from this size on: a just-written plan is unknown to them. */
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
  /** False when the lease was lost. */
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
