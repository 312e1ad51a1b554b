import type { Kysely } from 'kysely';
import type { MemberFields } from '../model/member.js';
import type { Workspace } from '../model/workspace.js';
import type { Store } from '../store/create-db.js';
import type { Database } from '../store/database.js';
import { countSeatsInUse, memberVersion } from '../store/member-repository.js';
import { appendLog } from '../store/provisioning-log-repository.js';
import { bumpRevision } from '../store/workspace-repository.js';
import { applyPlan, type ChangeResult } from './apply.js';
import { buildPlan, type Change, type Plan } from './plan.js';
import { evaluatePolicy } from './policy.js';
import { PolicyRefused } from './policy-refused.js';

export interface WriteContext {
  actor: string;
  requestId: string | null;
  now: () => string;
  log?: { error(obj: object, msg: string): void };
}

export interface Proposal<T> {
  changes: Change[];
  /** Current state of the members the changes target, by id (for the policy). */
  current?: ReadonlyMap<string, MemberFields>;
  warnings?: string[];
  /** Whatever the caller wants back after the commit (e.g. the id of the created resource). */
  value: T;
  /**
   * The members the proposal was computed from, by id, with the version read. Needed for `readAhead`: the
   * proposal is kept only if these versions are still current inside the transaction.
   */
  readVersions?: ReadonlyMap<string, number>;
}

export interface WriteOptions {
  /**
   * Propose before taking the write lock, from the store as it is and this workspace (the request's), and inside
   * the transaction keep that proposal if it still holds: the workspace's settings are the same and every member
   * in `readVersions` still has its version. Otherwise `propose` runs again inside the transaction. On SQLite the
   * write lock is the database's, shared by every worker process, so reading and computing outside it lets the
   * others write meanwhile; on PostgreSQL it saves round trips while the workspace row is locked. Only for
   * proposals that depend on nothing but those members and the settings (uniqueness is enforced by the indexes).
   */
  readAhead?: Workspace;
}

export interface WriteOutcome<T> {
  plan: Plan;
  results: ChangeResult[];
  value: T;
}

/** A failure worth a log row: it carries the operation and, when known, its target. */
export interface FailedWrite {
  operation: string;
  targetKind: string;
  targetId: string | null;
  targetKey: string | null;
}

/**
 * One request, one transaction: take the workspace's next revision (and with it the write lock), let the
 * caller propose changes from the state it reads inside the transaction (or check the one it proposed just
 * before, see `readAhead`), check them with the policy, apply them. Any failure rolls everything back, and the
 * refusal is then written to the provisioning log on its own.
 */
export async function writeThroughPolicy<T>(
  store: Store,
  workspaceId: string,
  ctx: WriteContext,
  failure: FailedWrite,
  propose: (trx: Kysely<Database>, workspace: Workspace) => Promise<Proposal<T>>,
  options: WriteOptions = {},
): Promise<WriteOutcome<T>> {
  const now = ctx.now();
  try {
    const early = options.readAhead ? { workspace: options.readAhead, proposal: await propose(store.db, options.readAhead) } : undefined;
    return await store.writeTransaction(async (trx) => {
      const workspace = await bumpRevision(trx, workspaceId);
      const revision = workspace.revision;
      const proposal = early && (await stillHolds(trx, early.workspace, workspace, early.proposal)) ? early.proposal : await propose(trx, workspace);
      const plan = buildPlan({ workspaceId, source: ctx.actor, basis: revision - 1, changes: proposal.changes, warnings: proposal.warnings, now });
      const needsSeats = workspace.version === 'v1' && plan.changes.some((c) => c.kind === 'member' && c.action !== 'skip');
      const verdicts = evaluatePolicy(workspace, plan.changes, {
        seatsInUse: needsSeats ? await countSeatsInUse(trx, workspaceId) : {},
        current: proposal.current ?? new Map(),
      });
      const refusedAt = verdicts.findIndex((v) => v !== null);
      if (refusedAt >= 0) throw new PolicyRefused(verdicts[refusedAt]!, plan.changes[refusedAt]!);
      const results = await applyPlan(trx, workspace, plan, { actor: ctx.actor, requestId: ctx.requestId, now, dialect: store.dialect });
      return { plan, results, value: proposal.value };
    });
  } catch (error) {
    await logRefusal(store, workspaceId, ctx, failure, error, now);
    throw error;
  }
}

/** Whether a proposal computed before the transaction is still the one the transaction would compute. */
async function stillHolds(trx: Kysely<Database>, then: Workspace, now: Workspace, proposal: Proposal<unknown>): Promise<boolean> {
  // Policies are interned by their text (workspace-repository), so an unchanged policy is the same object.
  if (now.version !== then.version || now.extensionUrn !== then.extensionUrn || now.policy !== then.policy) return false;
  for (const [id, version] of proposal.readVersions ?? []) {
    if ((await memberVersion(trx, now.id, id)) !== version) return false;
  }
  return true;
}

async function logRefusal(store: Store, workspaceId: string, ctx: WriteContext, failure: FailedWrite, error: unknown, now: string): Promise<void> {
  const status = (error as { status?: unknown }).status;
  const change = error instanceof PolicyRefused ? error.change : undefined;
  const entry = {
    workspaceId,
    actor: ctx.actor,
    operation: change ? `${change.kind}.${change.action}` : failure.operation,
    targetKind: change?.kind ?? failure.targetKind,
    targetId: change?.targetId ?? failure.targetId,
    targetKey: change?.key ?? failure.targetKey,
    before: change?.before ?? null,
    after: change?.after ?? null,
    result: 'refused' as const,
    errorStatus: error instanceof PolicyRefused ? error.refusal.status : typeof status === 'number' ? status : 500,
    errorDetail: error instanceof Error ? error.message : String(error),
    requestId: ctx.requestId,
    at: now,
  };
  // The log must never turn a clear refusal into a 500, so a failed log write is only reported.
  await appendLog(store.db, [entry]).catch((logError: unknown) => ctx.log?.error({ err: logError, workspaceId }, 'could not write the provisioning log'));
}
