import { randomUUID } from 'node:crypto';
import { bindingName, DEFAULT_HEAP_GROWTH_PERCENT, type Config } from '../config/config-schema.js';
import { DEFAULT_FULL_SCHEDULE, parseFullSchedule } from '../config/full-schedule.js';
import type { Connector, ConnectorLogger } from '../connector/connector.js';
import { ConnectorError } from '../connector/connector-error.js';
import { bindingFor, createBoundConnector } from '../connector/connector-registry.js';
import { RosterdError } from '../error/rosterd-error.js';
import { emptySummary, type ChangeAction } from '../model/plan.js';
import { timeOrderedId } from '../model/time-ordered-id.js';
import type { Workspace } from '../model/workspace.js';
import { markFullDue, readConnectorState, recordGoodCycle } from '../store/connector-state-repository.js';
import type { Store } from '../store/store.js';
import type { RunResult } from '../store/database.js';
import { countSeatsInUse } from '../store/member-repository.js';
import { deletePlan, insertPlan, pendingPlanOf, prunePlans, supersedePendingPlans, updatePlan, type StoredPlan } from '../store/plan-repository.js';
import { allGroups, countManagedMembers } from '../store/member-and-group-reads.js';
import { finishRun, pruneRuns, startRun } from '../store/sync-run-repository.js';
import { findWorkspace } from '../store/workspace-repository.js';
import { applyStoredPlan } from './apply-stored-plan.js';
import { withBoundedHeapGrowth } from './bounded-heap-growth.js';
import { planFromRead, type PlannedRead } from './cycle-planner.js';
import { openRead } from './cycle-read.js';
import { overBudget } from './deletion-budget.js';
import { deprovisionWarnings } from './diff.js';
import { Differ } from './differ.js';
import { PlanWriter } from './plan-writer.js';
import { untilAborted } from './read-ahead.js';
import type { DriftSummary, ReconcileOutcome, ReconcileRequest } from './reconcile-request.js';
import { settingsHash } from './settings-hash.js';
import { describe, describeDrift, Tally } from './tally.js';

// One pull cycle in two steps, so the caller decides the plan's fate: `startCycle` reads, compares and keeps the plan;
// then `apply` (within the deletion budget) or `keep` (for review). Every run is recorded with its plan.

export interface ReconcilerDeps {
  store: Store;
  config: Readonly<Pick<Config, 'connectors'> & Partial<Pick<Config, 'reconcile'>>>;
  log: ConnectorLogger;
  clock: () => Date;
  connectorFor?: (workspace: Workspace) => Promise<Connector>;
  applyBatchSize?: number;
}

/** History kept per binding; pending plans always stay. */
const KEEP_PLANS = 50;
const KEEP_RUNS = 1000;

export async function reconcile(deps: ReconcilerDeps, request: ReconcileRequest): Promise<ReconcileOutcome> {
  const cycle = await startCycle(deps, request);
  return request.dryRun ? cycle.keep() : cycle.apply();
}

/** Null when the binding is held: a plan over the deletion budget awaits an admin. */
export async function reconcileScheduled(deps: ReconcilerDeps, request: Omit<ReconcileRequest, 'trigger' | 'dryRun'>): Promise<ReconcileOutcome | null> {
  const workspace = await findWorkspace(deps.store.db, request.workspaceId);
  const name = workspace ? bindingName(bindingFor(deps.config.connectors, workspace.id, request.binding).binding) : request.binding;
  if (name !== undefined && (await pendingPlanOf(deps.store.db, request.workspaceId, name))) return null;
  return reconcile(deps, { ...request, trigger: 'schedule', dryRun: false });
}

/** A failure is recorded and ends the cycle; `apply` and `keep` then return it. */
export async function startCycle(deps: ReconcilerDeps, request: ReconcileRequest): Promise<Cycle> {
  const workspace = await findWorkspace(deps.store.db, request.workspaceId);
  if (!workspace) throw new RosterdError('ROSTERD_E_NOT_FOUND', `workspace "${request.workspaceId}" does not exist; see rosterd workspace list`);
  const { binding, index } = bindingFor(deps.config.connectors, workspace.id, request.binding);
  const cycle = new Cycle(deps, request, workspace, bindingName(binding));
  await cycle.begin();
  await withBoundedHeapGrowth(heapGrowth(deps), () => cycle.plan(() => createBoundConnector(binding, index, workspace, { log: deps.log, clock: deps.clock }), binding.fullSchedule));
  return cycle;
}

const heapGrowth = (deps: ReconcilerDeps) => deps.config.reconcile?.heapGrowthPercent ?? DEFAULT_HEAP_GROWTH_PERCENT;

export class Cycle {
  readonly runId = randomUUID();
  readonly actor: string;
  private plan_: StoredPlan | null = null;
  private read: PlannedRead = { complete: false, problems: [], membersRead: 0, fullDue: null, driftCheck: null };
  private mode: ReconcileOutcome['mode'];
  private cursor: string | null = null;
  private planned = new Tally();
  private summary = emptySummary();
  private deletions = 0;
  private ended: ReconcileOutcome | null = null;
  private readonly now: () => string;
  private readonly settings: string;

  constructor(
    private readonly deps: ReconcilerDeps,
    private readonly request: ReconcileRequest,
    readonly workspace: Workspace,
    readonly binding: string,
  ) {
    this.actor = `connector:${binding}`;
    this.now = () => deps.clock().toISOString();
    this.mode = request.mode === 'user' ? 'user' : request.mode === 'full' ? 'full' : 'incremental';
    this.settings = settingsHash(workspace);
  }

  get storedPlan(): StoredPlan | null {
    return this.plan_;
  }

  async begin(): Promise<void> {
    const { request } = this;
    await startRun(this.deps.store.db, {
      id: this.runId,
      workspaceId: this.workspace.id,
      binding: this.binding,
      mode: this.mode,
      trigger: request.trigger,
      dryRun: request.dryRun,
      instance: request.instance ?? null,
      startedAt: this.now(),
    });
  }

  async plan(connectorFor: () => Promise<Connector>, fullScheduleText: string | undefined): Promise<void> {
    const { deps, request, workspace } = this;
    const { store } = deps;
    try {
      const connector = deps.connectorFor ? await deps.connectorFor(workspace) : await connectorFor();
      const state = await readConnectorState(store.db, workspace.id, this.binding);
      const fullSchedule = parseFullSchedule(fullScheduleText ?? DEFAULT_FULL_SCHEDULE) ?? parseFullSchedule(DEFAULT_FULL_SCHEDULE)!;
      // The records hold only under the settings of their last full read; other settings may want other values of everyone.
      const trustRecords = state.settingsHash === this.settings;
      const dueState = state.settingsHash !== null && !trustRecords && state.fullDue === null ? { ...state, fullDue: "the workspace's settings changed since the last full read" } : state;
      const opening = openRead(
        { store, connector, workspace, binding: this.binding, state: dueState, fullSchedule, log: deps.log, now: deps.clock(), ...(request.signal ? { signal: request.signal } : {}) },
        request,
      );
      // A hung IdP request must not hold up a shutdown.
      const read = await (request.signal ? untilAborted(opening, request.signal) : opening);
      this.mode = read.mode;
      const differ = new Differ({
        workspace,
        binding: this.binding,
        seatsInUse: workspace.version === 'v1' ? await countSeatsInUse(store.db, workspace.id) : {},
        groups: await allGroups(store.db, workspace.id),
        newId: () => timeOrderedId(),
        trustRecords,
      });
      const header: StoredPlan = {
        id: randomUUID(),
        workspaceId: workspace.id,
        source: this.actor,
        binding: this.binding,
        basis: workspace.revision,
        status: 'planned',
        summary: emptySummary(),
        warnings: [],
        changeCount: 0,
        deletions: 0,
        complete: false,
        cursor: null,
        createdAt: this.now(),
        decidedAt: null,
        decidedBy: null,
      };
      await insertPlan(store.db, header);
      this.plan_ = header;
      // A dry run leaves the records alone: they say what the store holds.
      const writer = new PlanWriter(store.db, header.id, request.dryRun ? undefined : { workspaceId: workspace.id, binding: this.binding, now: this.now() });
      const progress = (phase: 'read' | 'compare', membersRead: number) => request.onProgress?.({ phase, read: membersRead, compared: differ.compared, applied: 0, total: 0 });
      this.read = await planFromRead({ store, workspace, binding: this.binding, differ, writer, onProgress: progress, ...(request.signal ? { signal: request.signal } : {}) }, read);
      this.cursor = this.read.complete ? read.cursor() : state.cursor;
      this.summary = writer.summary;
      this.deletions = writer.deletions;
      this.planned = writer.planned;
      const warnings = deprovisionWarnings(this.read);
      // The plan keeps the cursor only if applied later (dry run, held for approval); applied now, it goes to the binding.
      Object.assign(header, { summary: writer.summary, warnings, changeCount: writer.count, deletions: writer.deletions, complete: this.read.complete });
      await updatePlan(store.db, header.id, { summary: writer.summary, warnings, changeCount: writer.count, deletions: writer.deletions, complete: this.read.complete, ...(request.dryRun ? { cursor: this.cursor } : {}) });
      if (writer.count === 0) {
        await deletePlan(store.db, header.id);
        this.plan_ = null;
      }
    } catch (error) {
      this.ended = await this.fail(error);
    }
  }

  async apply(): Promise<ReconcileOutcome> {
    if (this.ended) return this.ended;
    return withBoundedHeapGrowth(heapGrowth(this.deps), () => this.applyPlan());
  }

  /** A dry run: the plan is kept for review. */
  async keep(): Promise<ReconcileOutcome> {
    if (this.ended) return this.ended;
    const plan = this.plan_;
    if (!plan) return this.finish(this.read.complete ? 'no_changes' : 'planned', this.summary, driftSummary(this.planned, 0), this.nothingMessage());
    const left = this.planned.drifting ? `; ${describeDrift(this.planned.drift)}` : '';
    return this.finish('planned', this.summary, driftSummary(this.planned, this.actionable), `dry run: ${describe(this.summary)}${left} (plan ${plan.id}; nothing applied)`);
  }

  private get actionable(): number {
    return (this.plan_?.changeCount ?? 0) - this.summary.skip;
  }

  private async applyPlan(): Promise<ReconcileOutcome> {
    const { deps, request, workspace } = this;
    const { store } = deps;
    const plan = this.plan_;
    try {
      const supersede = (note: string, keep: string | null = null) => supersedePendingPlans(store.db, workspace.id, this.binding, keep, { at: this.now(), by: this.actor, note });
      if (!plan || this.actionable === 0) {
        if (plan && this.planned.drifting === 0) {
          await deletePlan(store.db, plan.id);
          this.plan_ = null;
        }
        await this.recordGood();
        // Only a read covering what a pending plan covers makes it unwanted: not one user, not an incomplete read.
        if (this.read.complete && this.mode !== 'user') await supersede(`superseded by run ${this.runId}: a later cycle found nothing left to apply`);
        if (this.plan_) await updatePlan(store.db, this.plan_.id, { status: 'applied', decidedAt: this.now(), decidedBy: this.actor });
        return this.settle(emptySummary(), this.planned);
      }
      const refusal = overBudget(this.deletions, await countManagedMembers(store.db, workspace.id, this.binding), workspace.policy.deletionBudget, request.allowDeletes)?.replace('<plan id>', plan.id);
      if (refusal) {
        const warnings = [...plan.warnings, refusal];
        await updatePlan(store.db, plan.id, { status: 'pending', warnings, cursor: this.cursor });
        await supersede(`superseded by plan ${plan.id} (run ${this.runId}): a later cycle computed it afresh, and it waits for approval instead`, plan.id);
        plan.warnings = warnings;
        return this.finish('refused', this.summary, driftSummary(this.planned, this.actionable), `refused: ${refusal}`);
      }
      request.onProgress?.({ phase: 'apply', read: this.read.membersRead, compared: this.read.membersRead, applied: 0, total: this.actionable });
      const applied = await applyStoredPlan(store, { ...plan, cursor: this.cursor }, {
        actor: this.actor,
        strictBasis: false,
        now: this.now,
        ...(request.signal ? { signal: request.signal } : {}),
        ...(request.fence ? { fence: request.fence } : {}),
        onBatch: (n) => request.onProgress?.({ phase: 'apply', read: this.read.membersRead, compared: this.read.membersRead, applied: n, total: plan.changeCount }),
        ...(deps.applyBatchSize ? { batchSize: deps.applyBatchSize } : {}),
      });
      if (applied.interrupted) {
        await updatePlan(store.db, plan.id, { status: 'stale', decidedAt: this.now(), decidedBy: this.actor });
        const why = request.signal?.aborted ? 'interrupted by a shutdown while applying' : 'interrupted while applying (the schedule lease passed to another instance)';
        return this.finish('aborted', applied.tally.applied, driftSummary(applied.tally, 0), `${why}: every change is either applied or not; the next cycle converges`, { message: why, code: 'ROSTERD_E_INTERNAL' });
      }
      await updatePlan(store.db, plan.id, { status: 'applied', decidedAt: this.now(), decidedBy: this.actor });
      await supersede(`superseded by plan ${plan.id} (run ${this.runId}): a later cycle applied, so the workspace is no longer at this plan's basis`);
      await this.recordGood();
      return this.settle(applied.tally.applied, applied.tally);
    } catch (error) {
      if (plan) await updatePlan(store.db, plan.id, { status: 'stale' }).catch(() => undefined);
      return this.fail(error);
    }
  }

  /** A full read is also recorded as the last full read. */
  private async recordGood(): Promise<void> {
    const { store } = this.deps;
    if (this.read.complete) await recordGoodCycle(store.db, this.workspace.id, this.binding, this.now(), this.cursor, this.mode === 'full' ? { settingsHash: this.settings } : undefined);
    if (this.read.fullDue) await markFullDue(store.db, this.workspace.id, this.binding, this.read.fullDue, this.now());
  }

  /** An incomplete read ends as failed even though what was read is applied. */
  private settle(applied: Record<ChangeAction, number>, tally: Tally): Promise<ReconcileOutcome> {
    const drift = driftSummary(tally, 0);
    const did = describe(applied);
    const left = tally.drifting ? `; ${describeDrift(tally.drift)}` : '';
    if (!this.read.complete) {
      const problem = deprovisionWarnings(this.read)[0]!;
      return this.finish('failed', applied, drift, `${problem}; applied ${did}${left}`, { message: problem, code: 'ROSTERD_E_CONNECTOR' });
    }
    if (tally.drifting) return this.finish('drift', applied, drift, `applied ${did}${left}`);
    if (did === 'no changes') return this.finish('no_changes', applied, drift, this.nothingMessage());
    return this.finish('applied', applied, drift, `applied ${did}`);
  }

  private nothingMessage(): string {
    const n = this.read.membersRead;
    return `no changes: ${n} member${n === 1 ? '' : 's'} read, the workspace already matches the IdP`;
  }

  private async fail(error: unknown): Promise<ReconcileOutcome> {
    const aborted = this.request.signal?.aborted === true;
    const message = aborted ? 'interrupted by a shutdown while reading; nothing was applied' : error instanceof Error ? error.message : String(error);
    const code = error instanceof RosterdError ? error.code : 'ROSTERD_E_INTERNAL';
    if (!this.request.dryRun && !aborted) {
      await markFullDue(this.deps.store.db, this.workspace.id, this.binding, `the cycle of run ${this.runId} failed: ${message}`, this.now()).catch(() => undefined);
    }
    if (this.plan_) await updatePlan(this.deps.store.db, this.plan_.id, { status: 'stale' }).catch(() => undefined);
    const reason = error instanceof ConnectorError ? { reason: error.reason } : {};
    return this.finish(aborted ? 'aborted' : 'failed', emptySummary(), { count: 0, reasons: {} }, aborted ? message : `failed: ${message}`, { message, code, ...reason });
  }

  private async finish(
    result: RunResult,
    summary: Record<ChangeAction, number>,
    drift: DriftSummary,
    message: string,
    error?: { message: string; code: string; reason?: ConnectorError['reason'] },
  ): Promise<ReconcileOutcome> {
    const { store } = this.deps;
    const { workspace, binding, runId } = this;
    if (result === 'failed' && !this.request.dryRun && !this.read.complete && error?.code === 'ROSTERD_E_CONNECTOR') {
      await markFullDue(store.db, workspace.id, binding, `the read of run ${runId} was incomplete`, this.now());
    }
    const planId = this.plan_?.id ?? null;
    await finishRun(store.db, runId, {
      result,
      planId,
      summary,
      membersRead: this.read.membersRead,
      complete: this.read.complete,
      error: error?.message ?? null,
      finishedAt: this.now(),
      mode: this.mode,
      drift: drift.count,
      message,
    });
    await prunePlans(store.db, workspace.id, binding, KEEP_PLANS);
    await pruneRuns(store.db, workspace.id, binding, KEEP_RUNS);
    this.ended = {
      runId,
      planId,
      result,
      summary,
      drift,
      warnings: this.plan_?.warnings ?? deprovisionWarnings(this.read),
      membersRead: this.read.membersRead,
      complete: this.read.complete,
      mode: this.mode,
      message,
      ...(this.read.driftCheck ? { driftCheck: this.read.driftCheck } : {}),
      ...(error ? { error: error.message, errorCode: error.code, ...(error.reason ? { errorReason: error.reason } : {}) } : {}),
    };
    return this.ended;
  }
}

function driftSummary(tally: Tally, notApplied: number): DriftSummary {
  const reasons = Object.fromEntries(tally.drift);
  if (notApplied > 0) reasons.not_applied = { count: notApplied, examples: [] };
  return { count: tally.drifting + notApplied, reasons };
}
