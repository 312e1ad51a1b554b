import type { Kysely } from 'kysely';
import { RosterdError } from '../error/rosterd-error.js';
import { memberFieldsOf, type Member, type MemberFields } from '../model/member.js';
import type { Workspace } from '../model/workspace.js';
import type { Store } from '../store/create-db.js';
import type { Database } from '../store/database.js';
import { countSeatsInUse, existingMemberIds } from '../store/member-repository.js';
import { planChanges, updatePlan, type StoredPlan } from '../store/plan-repository.js';
import { appendLog, type LogEntry } from '../store/provisioning-log-repository.js';
import { allGroups, membersMatching } from '../store/reconcile-reads.js';
import { rowToMember } from '../store/member-row.js';
import { bumpRevision, findWorkspace } from '../store/workspace-repository.js';
import { ApplyError } from './apply-error.js';
import { applyPlan, changeLogEntry } from './apply.js';
import { buildPlan, emptySummary, type Change, type ChangeAction } from './plan.js';
import { evaluatePolicy } from './policy.js';
import type { LeaseFence } from './reconcile-request.js';

/**
 * Apply a stored plan in batches, each batch one transaction through the workspace's policy and `apply`, so an
 * interrupted apply leaves every change either applied or not, and the next cycle converges. A change whose
 * target moved on since the plan was computed (a SCIM push in between) is not executed; the next cycle plans
 * it afresh. With `strictBasis` (a saved or approved plan) the whole plan is refused when the workspace has
 * changed at all since it was computed.
 */
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
  applied: Record<ChangeAction, number>;
  rejected: number;
  notExecuted: number;
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
  const result: ApplyStoredResult = { applied: emptySummary(), rejected: 0, notExecuted: 0, interrupted: false };
  let done = 0;
  let batch: Change[] = [];
  /** False when the cycle's lease was lost: that batch rolled back, and nothing more may be applied. */
  const flush = async (): Promise<boolean> => {
    if (batch.length === 0) return true;
    const changes = batch;
    batch = [];
    let outcome: BatchOutcome;
    try {
      outcome = await applyBatchChecked(store, workspace.id, plan, changes, options);
    } catch (error) {
      if (error instanceof LeaseLost) return false;
      throw error;
    }
    for (const action of Object.keys(outcome.applied) as ChangeAction[]) result.applied[action] += outcome.applied[action];
    result.rejected += outcome.rejected;
    result.notExecuted += outcome.notExecuted;
    done += changes.length;
    options.onBatch?.(done);
    return true;
  };
  for await (const page of planChanges(store.db, plan.id)) {
    for (const change of page) {
      batch.push(change);
      if (batch.length >= (options.batchSize ?? BATCH)) {
        if (options.signal?.aborted || !(await flush())) return { ...result, interrupted: true };
      }
    }
  }
  if (options.signal?.aborted && batch.length > 0) return { ...result, interrupted: true };
  if (!(await flush())) return { ...result, interrupted: true };
  return result;
}

type BatchOutcome = Omit<ApplyStoredResult, 'interrupted'>;

/** Thrown inside a batch's transaction when its fence fails, to roll it back. */
class LeaseLost extends Error {}

/**
 * A batch runs first without looking up whether its creates' externalIds and userNames were taken since the plan
 * (a SCIM push in between): the inserts check the same unique indexes anyway, and on PostgreSQL those lookups
 * were about a tenth of a first cycle's apply. Only when an insert does conflict does the batch, rolled back
 * whole, run again with the lookups, so that the taken ones are set aside and the rest applied.
 */
async function applyBatchChecked(store: Store, workspaceId: string, plan: StoredPlan, changes: Change[], options: ApplyStoredOptions): Promise<BatchOutcome> {
  const hasCreates = changes.some((c) => c.kind === 'member' && c.action === 'create');
  if (!hasCreates) return applyBatch(store, workspaceId, plan, changes, options, true);
  try {
    return await applyBatch(store, workspaceId, plan, changes, options, false);
  } catch (error) {
    if (!(error instanceof ApplyError && error.failure === 'conflict')) throw error;
    return applyBatch(store, workspaceId, plan, changes, options, true);
  }
}

/** One transaction; the counts come back only once it committed. */
async function applyBatch(store: Store, workspaceId: string, plan: StoredPlan, changes: Change[], options: ApplyStoredOptions, checkCreates: boolean): Promise<BatchOutcome> {
  const now = options.now();
  return store.writeTransaction(async (trx) => {
    if (options.fence && !(await options.fence(trx))) throw new LeaseLost('the schedule lease passed to another instance');
    const result: BatchOutcome = { applied: emptySummary(), rejected: 0, notExecuted: 0 };
    const workspace = await bumpRevision(trx, workspaceId);
    const { executable, current, dropped, live } = await triage(trx, workspace, changes, checkCreates);
    const needsSeats = workspace.version === 'v1' && executable.some((c) => c.kind === 'member');
    const verdicts = evaluatePolicy(workspace, executable, { seatsInUse: needsSeats ? await countSeatsInUse(trx, workspaceId) : {}, current });
    const allowed: Change[] = [];
    const log: LogEntry[] = [];
    const entry = (change: Change, detail: string, status: number): LogEntry =>
      changeLogEntry(change, { workspaceId, actor: options.actor, requestId: plan.id, at: now, result: 'refused', errorStatus: status, errorDetail: detail });
    executable.forEach((change, i) => {
      const verdict = verdicts[i];
      if (verdict) {
        result.rejected++;
        log.push(entry(change, verdict.detail, verdict.status));
      } else allowed.push(change);
    });
    // A membership needs its member and group: live already, or created by an allowed change of this batch.
    const created = new Set(allowed.filter((c) => c.action === 'create' && c.kind !== 'membership').map((c) => c.targetId));
    const runnable = allowed.filter((change) => {
      if (change.kind !== 'membership' || change.action === 'skip') return true;
      const state = (change.after ?? change.before) as { groupId: string; memberId: string };
      if ((live.members.has(state.memberId) || created.has(state.memberId)) && (live.groups.has(state.groupId) || created.has(state.groupId))) return true;
      dropped.push({ change, why: `the member or group of "${change.key}" does not exist (its create was not executed)` });
      return false;
    });
    for (const { change, why } of dropped) {
      result.notExecuted++;
      log.push(entry(change, why, 409));
    }
    const subPlan = buildPlan({ id: plan.id, workspaceId, source: options.actor, basis: plan.basis, changes: runnable, now });
    await applyPlan(trx, workspace, subPlan, { actor: options.actor, requestId: plan.id, now, dialect: store.dialect });
    await appendLog(trx, log);
    for (const change of runnable) if (change.action !== 'skip') result.applied[change.action]++;
    return result;
  });
}

interface Triage {
  executable: Change[];
  /** Current state of the members that updates, deactivations and removals target (for the policy). */
  current: Map<string, MemberFields>;
  dropped: { change: Change; why: string }[];
  /** Members and groups that exist now, for the membership check. */
  live: { members: ReadonlySet<string>; groups: ReadonlySet<string> };
}

/**
 * Split a batch into what can run now and what the store has moved past since the plan: a target whose
 * version changed or that vanished, a create whose externalId, userName or group name is taken (member creates
 * only with `checkCreates`). Skips carry through (apply logs them as skipped).
 */
async function triage(trx: Kysely<Database>, workspace: Workspace, changes: Change[], checkCreates: boolean): Promise<Triage> {
  const memberTargets = changes.filter((c) => c.kind === 'member' && c.action !== 'create' && c.action !== 'skip').map((c) => c.targetId);
  const rows = memberTargets.length
    ? await trx.selectFrom('membership').selectAll().where('workspace_id', '=', workspace.id).where('id', 'in', memberTargets).execute()
    : [];
  const byId = new Map<string, Member>(rows.map((r) => [r.id, rowToMember(r)]));
  const creates = checkCreates ? changes.filter((c) => c.kind === 'member' && c.action === 'create') : [];
  const taken = creates.length
    ? await membersMatching(
        trx,
        workspace.id,
        creates.map((c) => (c.after as unknown as MemberFields).externalId).filter((x): x is string => x !== null),
        creates.map((c) => (c.after as unknown as MemberFields).userName),
      )
    : [];
  const takenKeys = new Set(taken.flatMap((m) => [`x:${m.externalId}`, `u:${m.userName.toLowerCase()}`]));
  const memberships = changes.filter((c) => c.kind === 'membership' && c.action !== 'skip');
  const states = memberships.map((c) => (c.after ?? c.before) as { groupId: string; memberId: string });
  const liveMembers = memberships.length ? await existingMemberIds(trx, workspace.id, states.map((s) => s.memberId)) : new Map<string, string>();
  const needGroups = memberships.length > 0 || changes.some((c) => c.kind === 'group');
  const groups = needGroups ? await allGroups(trx, workspace.id) : [];
  const groupIds = new Set(groups.map((g) => g.id));
  const groupNames = new Map(groups.map((g) => [g.displayName.toLowerCase(), g.id]));

  const executable: Change[] = [];
  const current = new Map<string, MemberFields>();
  const dropped: { change: Change; why: string }[] = [];
  for (const change of changes) {
    if (change.action === 'skip') {
      executable.push(change);
      continue;
    }
    const why = whyNot(change);
    if (why) dropped.push({ change, why });
    else executable.push(change);
  }
  return { executable, current, dropped, live: { members: new Set(liveMembers.keys()), groups: groupIds } };

  function whyNot(change: Change): string | null {
    if (change.kind === 'member') {
      if (change.action === 'create') {
        const fields = change.after as unknown as MemberFields;
        if ((fields.externalId !== null && takenKeys.has(`x:${fields.externalId}`)) || takenKeys.has(`u:${fields.userName.toLowerCase()}`)) {
          return `member "${change.key}" was created since the plan was computed; the next cycle compares it`;
        }
        return null;
      }
      const member = byId.get(change.targetId);
      if (!member) return `member "${change.key}" no longer exists`;
      if (change.version !== undefined && member.version !== change.version) {
        return `member "${change.key}" changed since the plan was computed (version ${change.version} → ${member.version}); the next cycle compares it again`;
      }
      current.set(member.id, memberFieldsOf(member));
      return null;
    }
    if (change.kind === 'group') {
      if (change.action === 'create') {
        const name = String((change.after as { displayName?: unknown }).displayName ?? '').toLowerCase();
        return groupNames.has(name) ? `group "${change.key}" was created since the plan was computed` : null;
      }
      return groupIds.has(change.targetId) ? null : `group "${change.key}" no longer exists`;
    }
    return null;
  }
}
