import { randomUUID } from 'node:crypto';
import { bindingName, DEFAULT_HEAP_GROWTH_PERCENT, type Config } from '../config/config-schema.js';
import type { Connector, ConnectorLogger } from '../connector/connector.js';
import { bindingFor, createBoundConnector } from '../connector/connector-registry.js';
import type { RemovedMember, SnapshotMember } from '../connector/snapshot-member.js';
import { RosterdError } from '../error/rosterd-error.js';
import { timeOrderedId } from '../model/time-ordered-id.js';
import type { Workspace } from '../model/workspace.js';
import { clearCursor, readConnectorState, recordGoodCycle } from '../store/connector-state-repository.js';
import type { Store } from '../store/create-db.js';
import type { RunResult } from '../store/database.js';
import { countSeatsInUse, findMemberByUserName } from '../store/member-repository.js';
import { deletePlan, insertPlan, pendingPlanOf, prunePlans, supersedePendingPlans, updatePlan, type StoredPlan } from '../store/plan-repository.js';
import { allGroups, countManagedMembers, currentGroupsOf, managedMemberKeys, membersByIds, membersMatching } from '../store/reconcile-reads.js';
import { finishRun, pruneRuns, startRun } from '../store/sync-run-repository.js';
import { findWorkspace } from '../store/workspace-repository.js';
import { applyStoredPlan } from './apply-stored-plan.js';
import { withBoundedHeapGrowth } from './bounded-heap-growth.js';
import { overBudget } from './deletion-budget.js';
import { deprovisionWarnings, isDeprovision, withoutDeprovisions } from './diff.js';
import { Differ } from './differ.js';
import { emptySummary, type ChangeAction } from './plan.js';
import { PlanWriter } from './plan-writer.js';
import { readAhead } from './read-ahead.js';
import type { ReconcileOutcome, ReconcileRequest } from './reconcile-request.js';

/**
 * One pull cycle: fetch (full, incremental or one member) → load the matching store rows a page at a time →
 * diff → keep the plan → check the deletion budget → apply through the policy and `apply`. Every run is
 * recorded (sync_run) with its plan, whatever the outcome.
 */
export interface ReconcilerDeps {
  store: Store;
  config: Readonly<Pick<Config, 'connectors'> & Partial<Pick<Config, 'reconcile'>>>;
  log: ConnectorLogger;
  clock: () => Date;
  /** Where the connector comes from; default: the registry (the real Graph or Okta connector). */
  connectorFor?: (workspace: Workspace) => Promise<Connector>;
  /** Changes applied per transaction (default 5,000). */
  applyBatchSize?: number;
}

/** Members read from the IdP per store round trip. */
const PAGE = 1000;
/** History kept per binding: plans (pending ones always stay) and runs. */
const KEEP_PLANS = 50;
const KEEP_RUNS = 1000;

interface Read {
  entries: AsyncIterable<SnapshotMember | RemovedMember>;
  /** Known after iteration. */
  complete: () => boolean;
  problems: () => readonly string[];
  cursor: () => string | null;
  /** A full read can sweep: members it did not list are gone. */
  full: boolean;
  mode: 'full' | 'incremental' | 'user';
}

export function reconcile(deps: ReconcilerDeps, request: ReconcileRequest): Promise<ReconcileOutcome> {
  return withBoundedHeapGrowth(deps.config.reconcile?.heapGrowthPercent ?? DEFAULT_HEAP_GROWTH_PERCENT, () => runCycle(deps, request));
}

async function runCycle(deps: ReconcilerDeps, request: ReconcileRequest): Promise<ReconcileOutcome> {
  const { store } = deps;
  const now = () => deps.clock().toISOString();
  const workspace = await findWorkspace(store.db, request.workspaceId);
  if (!workspace) throw new RosterdError('ROSTERD_E_NOT_FOUND', `workspace "${request.workspaceId}" does not exist; see rosterd workspace list`);
  const { binding, index } = bindingFor(deps.config.connectors, workspace.id, request.binding);
  const name = bindingName(binding);
  const actor = `connector:${name}`;
  const runId = randomUUID();
  const mode = request.mode === 'user' ? 'user' : request.mode === 'full' ? 'full' : 'incremental';
  await startRun(store.db, { id: runId, workspaceId: workspace.id, binding: name, mode, trigger: request.trigger, dryRun: request.dryRun, instance: request.instance ?? null, startedAt: now() });

  let planId: string | null = null;
  let membersRead = 0;
  let complete = false;
  let runMode: Read['mode'] = mode;
  const finish = async (
    result: RunResult,
    summary: Record<ChangeAction, number>,
    warnings: string[],
    exitCode: ReconcileOutcome['exitCode'],
    message: string,
    error?: { message: string; code: string },
  ): Promise<ReconcileOutcome> => {
    await finishRun(store.db, runId, { result, planId, summary, membersRead, complete, error: error?.message ?? null, finishedAt: now(), mode: runMode });
    await prunePlans(store.db, workspace.id, name, KEEP_PLANS);
    await pruneRuns(store.db, workspace.id, name, KEEP_RUNS);
    return { runId, planId, result, summary, warnings, membersRead, complete, exitCode, message, ...(error ? { error: error.message, errorCode: error.code } : {}) };
  };

  // A cycle that decides (applies, finds nothing to do, or is refused and waits itself) settles the binding's older
  // pending plans: there is then at most one waiting, and the schedule resumes once it is decided.
  const supersede = (keep: string | null, note: string) => supersedePendingPlans(store.db, workspace.id, name, keep, { at: now(), by: actor, note });

  try {
    if (request.trigger === 'schedule') {
      const pending = await pendingPlanOf(store.db, workspace.id, name);
      if (pending) {
        planId = pending.id;
        return await finish('refused', pending.summary, pending.warnings, 3, `plan ${pending.id} is waiting for approval (rosterd plan approve ${pending.id}); no new cycle runs until it is decided`);
      }
    }
    const connector = deps.connectorFor ? await deps.connectorFor(workspace) : await createBoundConnector(binding, index, workspace, { log: deps.log, clock: deps.clock });
    const state = await readConnectorState(store.db, workspace.id, name);
    const read = await openRead(deps, connector, workspace, name, request, state.cursor);
    runMode = read.mode;

    const differ = new Differ({
      workspace,
      binding: name,
      seatsInUse: workspace.version === 'v1' ? await countSeatsInUse(store.db, workspace.id) : {},
      groups: await allGroups(store.db, workspace.id),
      newId: () => timeOrderedId(),
    });
    planId = randomUUID();
    const header: StoredPlan = {
      id: planId,
      workspaceId: workspace.id,
      source: actor,
      binding: name,
      basis: workspace.revision,
      status: 'planned',
      summary: emptySummary(),
      warnings: [],
      changeCount: 0,
      deletions: 0,
      complete: false,
      cursor: null,
      createdAt: now(),
      decidedAt: null,
      decidedBy: null,
    };
    await insertPlan(store.db, header);
    const writer = new PlanWriter(store.db, planId);
    // Deprovisions an incremental read reports are held back until the read is known to be complete.
    const heldBack: ReturnType<Differ['page']> = [];

    const progress = (phase: 'read' | 'compare' | 'apply', applied = 0, total = 0) =>
      request.onProgress?.({ phase, read: membersRead, compared: differ.compared, applied, total });
    for await (const entries of readAhead(read.entries, PAGE)) {
      membersRead += entries.length;
      progress('read');
      const members = await membersMatching(
        store.db,
        workspace.id,
        entries.map((e) => e.externalId),
        entries.flatMap((e) => ('removed' in e ? [] : [e.userName])),
      );
      const groupsOf = await currentGroupsOf(store.db, workspace.id, members.map((m) => m.id));
      const changes = differ.page(entries, { members, groupsOf });
      heldBack.push(...changes.filter(isDeprovision));
      await writer.write(withoutDeprovisions(changes));
      progress('compare');
      if (request.signal?.aborted) throw new RosterdError('ROSTERD_E_INTERNAL', 'the cycle was interrupted while reading; nothing was applied');
    }
    complete = read.complete();
    const warnings = deprovisionWarnings({ complete, problems: read.problems() });
    if (complete) {
      await writer.write(heldBack);
      if (read.full) {
        for await (const keys of managedMemberKeys(store.db, workspace.id, name)) {
          const gone = differ.unseen(keys);
          if (gone.length) await writer.write(differ.sweep(await membersByIds(store.db, workspace.id, gone)));
        }
        await writer.write(differ.sweepGroups());
      }
    }
    await writer.flush();
    const summary = writer.summary;
    const deletions = writer.deletions;
    const cursor = complete ? read.cursor() : state.cursor;
    // The plan keeps the cursor only when it is applied later (a dry run, or held for approval), to advance the
    // binding's cursor then. Applied now, the cursor goes to the binding alone: an Entra cursor is about 39 bytes per
    // assigned user, written on every cycle.
    await updatePlan(store.db, planId, { summary, warnings, changeCount: writer.count, deletions, complete, ...(request.dryRun ? { cursor } : {}) });

    const actionable = writer.count - summary.skip;
    if (writer.count === 0) {
      await deletePlan(store.db, planId);
      planId = null;
      if (!request.dryRun && complete) await recordGoodCycle(store.db, workspace.id, name, now(), cursor);
      // Only a read that covers what a pending plan covers says its changes are no longer wanted: not one member, not an incomplete read.
      if (!request.dryRun && complete && read.mode !== 'user') await supersede(null, `superseded by run ${runId}: a later cycle found the workspace already matching the IdP`);
      return await finish('no_changes', summary, warnings, 0, `no changes: ${membersRead} member${membersRead === 1 ? '' : 's'} read, the workspace already matches the IdP`);
    }
    if (request.dryRun) {
      return await finish('planned', summary, warnings, actionable > 0 ? 2 : 0, `dry run: ${describe(summary)} (plan ${planId}; nothing applied)`);
    }
    const refusal = overBudget(deletions, await countManagedMembers(store.db, workspace.id, name), workspace.policy.deletionBudget, request.allowDeletes)?.replace('<plan id>', planId);
    if (refusal) {
      await updatePlan(store.db, planId, { status: 'pending', warnings: [...warnings, refusal], cursor });
      await supersede(planId, `superseded by plan ${planId} (run ${runId}): a later cycle computed it afresh, and it waits for approval instead`);
      return await finish('refused', summary, [...warnings, refusal], 3, `refused: ${refusal}`);
    }
    progress('apply', 0, actionable);
    const applied = await applyStoredPlan(store, { ...header, summary, warnings, changeCount: writer.count, deletions, complete, cursor }, {
      actor,
      strictBasis: false,
      now,
      ...(request.signal ? { signal: request.signal } : {}),
      ...(request.fence ? { fence: request.fence } : {}),
      onBatch: (n) => progress('apply', n, writer.count),
      ...(deps.applyBatchSize ? { batchSize: deps.applyBatchSize } : {}),
    });
    if (applied.interrupted) {
      await updatePlan(store.db, planId, { status: 'stale', decidedAt: now(), decidedBy: actor });
      return await finish('failed', summary, warnings, 1, 'interrupted while applying: every change is either applied or not; the next cycle converges', { message: 'interrupted', code: 'ROSTERD_E_INTERNAL' });
    }
    await updatePlan(store.db, planId, { status: 'applied', decidedAt: now(), decidedBy: actor });
    await supersede(null, `superseded by plan ${planId} (run ${runId}): a later cycle applied, so the workspace is no longer at this plan's basis`);
    if (complete) await recordGoodCycle(store.db, workspace.id, name, now(), cursor);
    const notes = [
      ...(applied.rejected ? [`${applied.rejected} refused by the policy`] : []),
      ...(applied.notExecuted ? [`${applied.notExecuted} not executed (changed since planned)`] : []),
    ];
    return await finish('applied', applied.applied, warnings, 0, `applied ${describe(applied.applied)}${notes.length ? `; ${notes.join(', ')}` : ''}`);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    const code = error instanceof RosterdError ? error.code : 'ROSTERD_E_INTERNAL';
    if (planId) await updatePlan(store.db, planId, { status: 'stale' }).catch(() => undefined);
    return await finish('failed', emptySummary(), [], 1, `failed: ${message}`, { message, code });
  }
}

/** The IdP read this request asks for: one member, the changes since the cursor, or everything. */
async function openRead(deps: ReconcilerDeps, connector: Connector, workspace: Workspace, binding: string, request: ReconcileRequest, cursor: string | null): Promise<Read> {
  if (request.mode === 'user') {
    const externalId = await externalIdOf(deps.store, workspace, request.user ?? '');
    const member = await connector.fetchOne(externalId);
    const entry: SnapshotMember | RemovedMember = member ?? { externalId, removed: true, reason: 'unassigned' };
    return { entries: once(entry), complete: () => true, problems: () => [], cursor: () => cursor, full: false, mode: 'user' };
  }
  if (request.mode === 'auto' && cursor) {
    const changes = await connector.fetchChanges(cursor);
    if (!changes.resyncRequired) {
      return { entries: changes.changes, complete: () => changes.complete, problems: () => changes.problems, cursor: () => changes.cursor, full: false, mode: 'incremental' };
    }
    deps.log.info({ workspaceId: workspace.id, binding }, 'the IdP no longer accepts the saved cursor; reading everything');
    await clearCursor(deps.store.db, workspace.id, binding, deps.clock().toISOString());
  }
  const snapshot = await connector.fetchSnapshot();
  return { entries: snapshot.members, complete: () => snapshot.complete, problems: () => snapshot.problems, cursor: () => snapshot.cursor, full: true, mode: 'full' };
}

/** `--user` takes an externalId or the userName of a member rosterd already has. */
async function externalIdOf(store: Store, workspace: Workspace, user: string): Promise<string> {
  if (!user) throw new RosterdError('ROSTERD_E_USAGE', '--user needs an externalId (the IdP user id) or the userName of an existing member');
  const member = await findMemberByUserName(store.db, workspace.id, user);
  if (member?.externalId) return member.externalId;
  return user;
}

async function* once<T>(value: T): AsyncGenerator<T> {
  yield value;
}

/** "3 creates, 1 update, 2 deactivations" — the non-zero counts. */
export function describe(summary: Record<ChangeAction, number>): string {
  const words: Record<ChangeAction, [string, string]> = {
    create: ['create', 'creates'],
    update: ['update', 'updates'],
    reactivate: ['reactivation', 'reactivations'],
    deactivate: ['deactivation', 'deactivations'],
    remove: ['removal', 'removals'],
    skip: ['skip', 'skips'],
  };
  const parts = (Object.keys(words) as ChangeAction[]).filter((a) => summary[a] > 0).map((a) => `${summary[a]} ${words[a][summary[a] === 1 ? 0 : 1]}`);
  return parts.length ? parts.join(', ') : 'no changes';
}
