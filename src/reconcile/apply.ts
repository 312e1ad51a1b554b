import type { Kysely } from 'kysely';
import { yieldIfDue } from '../store/event-loop-slices.js';
import { eventsOfChanges } from '../events/events-of-changes.js';
import type { DriftReason } from '../model/drift.js';
import { setFieldsOf, type Member, type MemberFields } from '../model/member.js';
import { buildPlan, type Change, type Plan } from '../model/plan.js';
import type { Workspace } from '../model/workspace.js';
import { readChangeTargets, takenKey, type ChangeTargets } from '../store/change-targets.js';
import { membershipStateOf, WriteConflict, writeChanges } from '../store/change-writer.js';
import { DatabaseBusy } from '../store/database-busy.js';
import type { Store } from '../store/store.js';
import type { Database } from '../store/database.js';
import { countSeatsInUse, memberVersion } from '../store/member-repository.js';
import { appendLog, type LogEntry } from '../store/provisioning-log-repository.js';
import { clearDrift, setDrift } from '../store/pulled-member-repository.js';
import { takeWriteLock } from '../store/workspace-repository.js';
import { appendEvents } from '../store/event-repository.js';
import { statesAfter, statesBefore } from './event-states.js';
import { evaluatePolicy, type PolicyRefusal } from './policy.js';
import { PolicyRefused } from './policy-refused.js';
import type { LeaseFence } from './reconcile-request.js';

// Every write (SCIM, pull batch, saved plan, CLI) goes through `apply`: one transaction takes the write lock, sets
// aside stale changes, runs the policy, writes, appends events, logs outcomes and keeps drift in step.

export type ChangeStatus = 'applied' | 'skipped' | 'refused' | 'set_aside';

export interface ChangeResult {
  change: Change;
  status: ChangeStatus;
  /** Refused or set aside: why. */
  detail?: string;
  /** Refused or set aside: what it leaves out of line. */
  drift?: DriftReason;
  member?: Member;
}

export interface Proposal<T> {
  changes: Change[];
  /** Whole mode: the targeted members as the proposal read them. */
  current?: ReadonlyMap<string, Member>;
  warnings?: string[];
  value: T;
  /** Member versions the proposal read: a read-ahead proposal is kept only if they still hold. */
  readVersions?: ReadonlyMap<string, number>;
}

export type Propose<T> = (trx: Kysely<Database>, workspace: Workspace) => Promise<Proposal<T>>;

export interface FailedWrite {
  operation: string;
  targetKind: string;
  targetId: string | null;
  targetKey: string | null;
}

export interface ApplyOptions {
  actor: string;
  eventSource?: string;
  requestId: string | null;
  now: () => string;
  /**
   * whole: one request; the first refusal or conflict rolls back everything and is thrown. each: every change gets a
   * status; refused or stale ones are left out, the rest applied (pull batches).
   */
  mode: 'whole' | 'each';
  /**
   * Whole mode: propose before the write lock and keep it if it still holds, else propose again inside. SQLite's lock
   * is database-wide, so this lets other workers write meanwhile; on PostgreSQL it saves round trips under the lock.
   */
  readAhead?: Workspace;
  fence?: LeaseFence;
  failure?: FailedWrite;
  log?: { error(obj: object, msg: string): void };
}

export interface ApplyOutcome<T> {
  plan: Plan;
  results: ChangeResult[];
  value: T;
  lastEventSeq: number | null;
}

/** The batch rolled back. */
export class LeaseLost extends Error {
  constructor() {
    super('the schedule lease passed to another instance');
    this.name = 'LeaseLost';
  }
}

export async function apply<T>(store: Store, workspaceId: string, propose: Propose<T>, options: ApplyOptions): Promise<ApplyOutcome<T>> {
  if (options.mode === 'each') {
    // Member creates skip the taken-key lookups (costly on a first cycle): the unique indexes catch a clash, and the
    // rolled-back batch then runs again with the lookups so the taken ones are set aside.
    const run = (checkCreates: boolean) => store.writeTransaction((trx) => applyInTransaction(trx, store, workspaceId, propose, options, checkCreates), workspaceId);
    try {
      return announced(store, workspaceId, await run(false));
    } catch (error) {
      if (!(error instanceof WriteConflict && error.failure === 'conflict')) throw error;
      return announced(store, workspaceId, await run(true));
    }
  }
  try {
    const early = options.readAhead ? { workspace: options.readAhead, proposal: await propose(store.db, options.readAhead) } : undefined;
    const proposeInside: Propose<T> = async (trx, workspace) => (early && (await stillHolds(trx, early.workspace, workspace, early.proposal)) ? early.proposal : propose(trx, workspace));
    return announced(store, workspaceId, await store.writeTransaction((trx) => applyInTransaction(trx, store, workspaceId, proposeInside, options, false), workspaceId));
  } catch (error) {
    // A locked database would keep the log's row out too, and the caller waits for the answer.
    if (!(error instanceof DatabaseBusy)) await logRefusal(store, workspaceId, options, error, options.now());
    throw error;
  }
}

function announced<T>(store: Store, workspaceId: string, outcome: ApplyOutcome<T>): ApplyOutcome<T> {
  if (outcome.lastEventSeq !== null) store.events.published(workspaceId, outcome.lastEventSeq);
  return outcome;
}

export function applyChanges(store: Store, workspaceId: string, changes: Change[], options: ApplyOptions): Promise<ApplyOutcome<null>> {
  return apply(store, workspaceId, async () => ({ changes, value: null }), options);
}

async function applyInTransaction<T>(
  trx: Kysely<Database>,
  store: Store,
  workspaceId: string,
  propose: Propose<T>,
  options: ApplyOptions,
  checkCreates: boolean,
): Promise<ApplyOutcome<T>> {
  if (options.fence && !(await options.fence(trx))) throw new LeaseLost();
  const { workspace, eventSeq } = await takeWriteLock(trx, workspaceId);
  // Under the lock, so event times follow sequence order (retention bisects by them) and exclude the wait.
  const now = options.now();
  const proposal = await propose(trx, workspace);
  await yieldIfDue();
  const plan = buildPlan({
    workspaceId,
    source: options.actor,
    basis: workspace.revision - 1,
    changes: proposal.changes,
    now,
    ...(proposal.warnings ? { warnings: proposal.warnings } : {}),
    ...(options.requestId ? { id: options.requestId } : {}),
  });
  const changes = plan.changes;
  const results: (ChangeResult | undefined)[] = new Array(changes.length);
  const whole = options.mode === 'whole';

  const targets = whole ? null : await readChangeTargets(trx, workspaceId, changes, checkCreates);
  const current: ReadonlyMap<string, Member> = targets ? targets.members : (proposal.current ?? new Map());
  if (targets) triage(changes, targets, results);

  const open = changes.flatMap((change, i) => (results[i] ? [] : [i]));
  const needsSeats = workspace.version === 'v1' && open.some((i) => changes[i]!.kind === 'member' && changes[i]!.action !== 'skip');
  const verdicts = evaluatePolicy(
    workspace,
    open.map((i) => changes[i]!),
    { seatsInUse: needsSeats ? await countSeatsInUse(trx, workspaceId) : {}, current, actor: options.actor },
  );
  open.forEach((i, k) => {
    const verdict = verdicts[k];
    if (!verdict) return;
    if (whole) throw new PolicyRefused(verdict, changes[i]!);
    results[i] = refused(changes[i]!, verdict);
  });
  if (targets) setAsideOrphanMemberships(changes, targets, results);
  await yieldIfDue();

  const runnable = changes.flatMap((change, i) => (results[i] || change.action === 'skip' ? [] : [i]));
  const toWrite = runnable.map((i) => changes[i]!);
  const before = store.eventLog ? await statesBefore(trx, workspaceId, toWrite, current) : null;
  const stored = await writeChanges(trx, workspace, toWrite, { actor: options.actor, now, dialect: store.dialect, eventSeq: eventSeq + 1 });
  runnable.forEach((i, k) => {
    const member = stored[k];
    results[i] = member ? { change: changes[i]!, status: 'applied', member } : { change: changes[i]!, status: 'applied' };
  });
  const events = before
    ? eventsOfChanges(
        toWrite.map((change, k) => ({ change, ...(stored[k] ? { member: stored[k] } : {}) })),
        await statesAfter(trx, workspaceId, toWrite, before),
      )
    : [];
  const lastEventSeq = events.length === 0 ? null : await appendEvents(trx, workspaceId, eventSeq + 1, events, { source: options.eventSource ?? options.actor, runId: options.requestId, now });
  const done = changes.map((change, i) => results[i] ?? { change, status: 'skipped' as const, ...(change.reason ? { detail: change.reason } : {}) });
  await yieldIfDue();

  await appendLog(trx, done.map((result) => logEntry(workspaceId, result, options, now)));
  await keepDriftInStep(trx, workspaceId, done, current, options.actor, now);
  return { plan, results: done, value: proposal.value, lastEventSeq };
}

const refused = (change: Change, verdict: PolicyRefusal): ChangeResult => ({ change, status: 'refused', detail: verdict.detail, drift: verdict.drift });
const setAside = (change: Change, detail: string): ChangeResult => ({ change, status: 'set_aside', detail, drift: 'set_aside' });

/** Each mode: sets aside changes whose target changed or vanished, or whose create key is taken since planning. */
function triage(changes: readonly Change[], targets: ChangeTargets, results: (ChangeResult | undefined)[]): void {
  const freed = new Set<string>();
  for (const change of changes) if (change.kind === 'member' && change.action === 'remove') freed.add(change.targetId);
  const groupIds = new Set(targets.groups.map((g) => g.id));
  const groupNames = new Set(targets.groups.map((g) => g.displayName.toLowerCase()));
  const takenBy = (key: string): boolean => {
    const holder = targets.taken.get(key);
    return holder !== undefined && !freed.has(holder);
  };
  changes.forEach((change, i) => {
    if (change.action === 'skip') return;
    if (change.kind === 'member') {
      if (change.action === 'create') {
        const fields = change.after as unknown as MemberFields;
        if ((fields.externalId !== null && takenBy(takenKey.externalId(fields.externalId))) || takenBy(takenKey.userName(fields.userName))) {
          results[i] = setAside(change, `member "${change.key}" was created since the plan was computed; the next cycle compares it`);
        }
        return;
      }
      const member = targets.members.get(change.targetId);
      if (!member) results[i] = setAside(change, `member "${change.key}" no longer exists`);
      else if (change.version !== undefined && member.version !== change.version) {
        results[i] = setAside(change, `member "${change.key}" changed since the plan was computed (version ${change.version} → ${member.version}); the next cycle compares it again`);
      }
      return;
    }
    if (change.kind === 'group') {
      if (change.action === 'create') {
        const name = String((change.after as { displayName?: unknown }).displayName ?? '').toLowerCase();
        if (groupNames.has(name)) results[i] = setAside(change, `group "${change.key}" was created since the plan was computed`);
      } else if (!groupIds.has(change.targetId)) results[i] = setAside(change, `group "${change.key}" no longer exists`);
    }
  });
}

/** A membership needs its member and group, existing or created in this batch. */
function setAsideOrphanMemberships(changes: readonly Change[], targets: ChangeTargets, results: (ChangeResult | undefined)[]): void {
  const created = new Set<string>();
  const removed = new Set<string>();
  changes.forEach((change, i) => {
    if (results[i] || change.kind === 'group_member') return;
    if (change.action === 'create') created.add(change.targetId);
    if (change.action === 'remove') removed.add(change.targetId);
  });
  const groupIds = new Set(targets.groups.map((g) => g.id));
  const exists = (id: string, live: (id: string) => boolean) => !removed.has(id) && (live(id) || created.has(id));
  changes.forEach((change, i) => {
    if (results[i] || change.kind !== 'group_member' || change.action === 'skip') return;
    const { groupId, memberId } = membershipStateOf(change);
    if (exists(memberId, (id) => targets.liveMembers.has(id)) && exists(groupId, (id) => groupIds.has(id))) return;
    results[i] = setAside(change, `the member or group of "${change.key}" does not exist (its create was not executed)`);
  });
}

/**
 * An applied change clears a user's drift; a refused or set-aside one records why. A member another source removes
 * while its binding's IdP still assigns it stays in drift until recreated.
 */
async function keepDriftInStep(trx: Kysely<Database>, workspaceId: string, results: readonly ChangeResult[], current: ReadonlyMap<string, Member>, actor: string, now: string): Promise<void> {
  const binding = actor.startsWith('connector:') ? actor.slice('connector:'.length) : null;
  const applied: string[] = [];
  const drifts: { externalId: string; drift: { reason: DriftReason; detail: string } }[] = [];
  const removedElsewhere = new Map<string, { externalId: string; drift: { reason: DriftReason; detail: string } }[]>();
  for (const result of results) {
    const { change } = result;
    if (binding !== null && change.idpUser !== undefined) {
      if (result.status === 'applied' && change.drifted) applied.push(change.idpUser);
      else if ((result.status === 'refused' || result.status === 'set_aside') && result.drift) {
        const why = result.status === 'refused' ? `refused by the workspace policy: ${result.detail}` : (result.detail ?? 'set aside');
        drifts.push({ externalId: change.idpUser, drift: { reason: result.drift, detail: why } });
      }
    }
    if (result.status === 'applied' && change.kind === 'member' && change.action === 'remove') {
      const member = current.get(change.targetId);
      if (member?.managedBy && member.externalId !== null && member.managedBy !== binding) {
        const list = removedElsewhere.get(member.managedBy) ?? [];
        list.push({ externalId: member.externalId, drift: { reason: 'removed_elsewhere', detail: `removed by ${actor} while connector ${member.managedBy}'s IdP still assigns it; its next cycle creates it again` } });
        removedElsewhere.set(member.managedBy, list);
      }
    }
  }
  if (binding !== null) {
    if (applied.length) await clearDrift(trx, workspaceId, binding, applied, now);
    if (drifts.length) await setDrift(trx, workspaceId, binding, drifts, now);
  }
  for (const [managedBy, list] of removedElsewhere) await setDrift(trx, workspaceId, managedBy, list, now);
}

function logEntry(workspaceId: string, result: ChangeResult, options: ApplyOptions, now: string): LogEntry {
  const { change, status } = result;
  const failed = status === 'refused' || status === 'set_aside';
  return changeLogEntry(change, {
    workspaceId,
    actor: options.actor,
    requestId: options.requestId,
    at: now,
    result: status === 'applied' ? 'applied' : status === 'skipped' ? 'skipped' : 'refused',
    errorStatus: failed ? (status === 'set_aside' ? 409 : result.drift === 'owner' ? 403 : 400) : null,
    errorDetail: failed ? (result.detail ?? null) : (change.reason ?? null),
  });
}

function changeLogEntry(change: Change, outcome: Pick<LogEntry, 'workspaceId' | 'actor' | 'requestId' | 'at' | 'result' | 'errorStatus' | 'errorDetail'>): LogEntry {
  // Field by field, not a spread of `outcome`: this runs on every SCIM write, where the spread is slow.
  return {
    workspaceId: outcome.workspaceId,
    actor: outcome.actor,
    requestId: outcome.requestId,
    at: outcome.at,
    result: outcome.result,
    errorStatus: outcome.errorStatus,
    errorDetail: outcome.errorDetail,
    operation: operationOf(change),
    targetKind: change.kind,
    targetId: change.targetId,
    targetKey: change.key,
    before: change.before,
    // Only the fields a created member set, not dozens of nulls.
    after: change.kind === 'member' && change.action === 'create' && change.after ? setFieldsOf(change.after) : change.after,
  };
}

function operationOf(change: Change): string {
  const after = change.after;
  if (change.kind === 'member' && change.action === 'update' && after && Object.keys(after).length === 1 && typeof after.owner === 'boolean') {
    return after.owner ? 'member.set-owner' : 'member.unset-owner';
  }
  return `${change.kind}.${change.action}`;
}

async function stillHolds(trx: Kysely<Database>, then: Workspace, now: Workspace, proposal: Proposal<unknown>): Promise<boolean> {
  // Policies are interned by text, so an unchanged policy is the same object.
  if (now.version !== then.version || now.extensionUrn !== then.extensionUrn || now.policy !== then.policy) return false;
  for (const [id, version] of proposal.readVersions ?? []) {
    if ((await memberVersion(trx, now.id, id)) !== version) return false;
  }
  return true;
}

/** Whole mode: the failed request changed nothing; its refusal is logged on its own. */
async function logRefusal(store: Store, workspaceId: string, options: ApplyOptions, error: unknown, now: string): Promise<void> {
  const status = (error as { status?: unknown }).status;
  const change = error instanceof PolicyRefused || error instanceof WriteConflict ? error.change : undefined;
  const failure = options.failure ?? { operation: 'write', targetKind: change?.kind ?? 'member', targetId: null, targetKey: null };
  const entry: LogEntry = {
    workspaceId,
    actor: options.actor,
    operation: change ? operationOf(change) : failure.operation,
    targetKind: change?.kind ?? failure.targetKind,
    targetId: change?.targetId ?? failure.targetId,
    targetKey: change?.key ?? failure.targetKey,
    before: change?.before ?? null,
    after: change?.after ?? null,
    result: 'refused',
    errorStatus:
      error instanceof PolicyRefused ? error.refusal.status : error instanceof WriteConflict ? (error.failure === 'conflict' ? 409 : 404) : typeof status === 'number' ? status : 500,
    errorDetail: error instanceof Error ? error.message : String(error),
    requestId: options.requestId,
    at: now,
  };
  // A failed log write must not turn a clear refusal into a 500.
  await appendLog(store.db, [entry]).catch((logError: unknown) => options.log?.error({ err: logError, workspaceId }, 'could not write the provisioning log'));
}

