import type { ExpressionBuilder, Kysely } from 'kysely';
import { accountEmailOf, setFieldsOf, type MemberFields } from '../model/member.js';
import type { Workspace } from '../model/workspace.js';
import { ensureAccount, ensureAccounts } from '../store/account-repository.js';
import type { Database, NewMembershipRow } from '../store/database.js';
import { preparedQuery } from '../store/prepared-query.js';
import { insertChunk, insertRows, rowChunks } from '../store/bulk-insert.js';
import type { DialectSupport } from '../store/dialect-support.js';
import type { Member } from '../model/member.js';
import { fieldsToColumns, MEMBER_COLUMNS, rowToMember } from '../store/member-row.js';
import { appendLog, type LogEntry } from '../store/provisioning-log-repository.js';
import { ApplyError } from './apply-error.js';
import type { Change, Plan } from './plan.js';

/**
 * The one place that writes membership rows. It runs inside the caller's transaction (the caller took the
 * workspace revision and ran the policy in the same one), so a plan is applied whole or not at all.
 */
export interface ApplyContext {
  /** `key:<id>`, `connector:<name>` or `cli`: recorded as the last source and the log's actor. */
  actor: string;
  requestId: string | null;
  now: string;
  dialect: DialectSupport;
}

export type ChangeStatus = 'applied' | 'rejected' | 'not_executed';

export interface ChangeResult {
  change: Change;
  status: ChangeStatus;
  detail?: string;
  /**
   * A member created or updated by itself (a SCIM write), as stored: the response is rendered from it, with no
   * second read. Absent for bulk writes, removals, groups and skips.
   */
  member?: Member;
}

const CHUNK = 400;

/** Columns every new row carries: who wrote it, its first version, and when. */
const created = (ctx: ApplyContext) => ({ last_source: ctx.actor, version: 1, created_at: ctx.now, updated_at: ctx.now });

/** field → actor for each member field the change writes: the row's record of which source last wrote what. */
function fieldSources(fields: Record<string, unknown>, actor: string, skipNull: boolean): string {
  const sources: Record<string, string> = {};
  // for…in, not Object.entries: this runs once per created member, and entries made a pair per field (a first
  // pull of 100,000 members allocated 420 MB of them).
  for (const field in fields) {
    if (Object.hasOwn(fields, field) && Object.hasOwn(MEMBER_COLUMNS, field) && !(skipNull && fields[field] === null)) sources[field] = actor;
  }
  return JSON.stringify(sources);
}

/** Columns every write to an existing row changes: the version behind its ETag, who wrote it, when. */
const touched = (ctx: ApplyContext, eb: ExpressionBuilder<Database, 'membership' | 'scim_group'>) => ({
  version: eb('version', '+', 1),
  last_source: ctx.actor,
  updated_at: ctx.now,
});

export async function applyPlan(trx: Kysely<Database>, workspace: Workspace, plan: Plan, ctx: ApplyContext): Promise<ChangeResult[]> {
  const log: LogEntry[] = [];
  const results: ChangeResult[] = [];
  const changes = plan.changes;
  let i = 0;
  while (i < changes.length) {
    const change = changes[i]!;
    if (change.kind === 'member' && change.action === 'create' && changes[i + 1]?.kind === 'member' && changes[i + 1]?.action === 'create') {
      // A run of member creates (a pull's first cycle) goes in as multi-row statements, not two per member.
      let j = i;
      while (j < changes.length && changes[j]!.kind === 'member' && changes[j]!.action === 'create') j++;
      const batch = changes.slice(i, j);
      await guard(ctx, change, () => applyMemberCreates(trx, workspace, batch, ctx));
      for (const c of batch) {
        results.push({ change: c, status: 'applied' });
        log.push(logEntry(workspace, c, ctx, 'applied'));
      }
      i = j;
      continue;
    }
    if (change.kind === 'membership' && change.action !== 'skip') {
      // Consecutive membership changes of one action go to the database as a few multi-row statements.
      let j = i;
      while (j < changes.length && changes[j]!.kind === 'membership' && changes[j]!.action === change.action) j++;
      const batch = changes.slice(i, j);
      await applyMemberships(trx, workspace, batch, ctx);
      for (const c of batch) {
        results.push({ change: c, status: 'applied' });
        log.push(logEntry(workspace, c, ctx, 'applied'));
      }
      i = j;
      continue;
    }
    const member = await guard(ctx, change, () => applyOne(trx, workspace, change, ctx));
    results.push(member ? { change, status: 'applied', member } : { change, status: 'applied' });
    log.push(logEntry(workspace, change, ctx, change.action === 'skip' ? 'skipped' : 'applied'));
    i++;
  }
  await appendLog(trx, log);
  return results;
}

async function guard<T>(ctx: ApplyContext, change: Change, run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (error) {
    if (ctx.dialect.isUniqueViolation(error)) {
      throw new ApplyError('conflict', change, `${change.kind} "${change.key}" conflicts with an existing ${change.kind} (userName, externalId or displayName already in use)`);
    }
    throw error;
  }
}

/** Apply one change; a member created or updated comes back as stored. */
async function applyOne(trx: Kysely<Database>, workspace: Workspace, change: Change, ctx: ApplyContext): Promise<Member | undefined> {
  if (change.action === 'skip') return undefined;
  if (change.kind === 'member') return applyMember(trx, workspace, change, ctx);
  await applyGroup(trx, workspace, change, ctx);
  return undefined;
}

async function applyMember(trx: Kysely<Database>, workspace: Workspace, change: Change, ctx: ApplyContext): Promise<Member | undefined> {
  if (change.action === 'create') {
    const accountId = await ensureAccount(trx, accountEmailOf(change.after as unknown as MemberFields), ctx.now);
    const row = newMemberRow(workspace, change, accountId, ctx);
    const [inserted] = await insertMember(trx, ...createValues(row));
    if (!inserted) throw new Error(`member "${change.key}" was not inserted`);
    return rowToMember(inserted);
  }
  if (change.action === 'remove') {
    // group_member rows go with it (ON DELETE CASCADE); the account stays.
    const removed = await trx.deleteFrom('membership').where('workspace_id', '=', workspace.id).where('id', '=', change.targetId).executeTakeFirst();
    if (Number(removed.numDeletedRows) === 0) throw new ApplyError('missing', change, `member "${change.key}" no longer exists`);
    return undefined;
  }
  // update, deactivate, reactivate: write the changed fields.
  const updated = await trx
    .updateTable('membership')
    .set((eb) =>
      // Object.assign rather than spreads followed by properties, which cost microseconds each on Node 20.
      Object.assign(
        fieldsToColumns((change.after ?? {}) as Partial<MemberFields>),
        touched(ctx, eb),
        { field_sources: ctx.dialect.mergeJsonObject(eb.ref('field_sources'), fieldSources(change.after ?? {}, ctx.actor, false)) },
        change.managedBy ? { managed_by: change.managedBy } : {},
      ),
    )
    .where('workspace_id', '=', workspace.id)
    .where('id', '=', change.targetId)
    .returningAll()
    .executeTakeFirst();
  if (!updated) throw new ApplyError('missing', change, `member "${change.key}" no longer exists`);
  return rowToMember(updated);
}

/** The row of a member a change creates: its fields, its account, and who created it when. */
function newMemberRow(workspace: Workspace, change: Change, accountId: string, ctx: ApplyContext): Required<NewMembershipRow> {
  // Added to the object fieldsToColumns made: `{ ...columns, id, … }` costs microseconds per row on Node 20.
  return Object.assign(fieldsToColumns(change.after as unknown as MemberFields), {
    id: change.targetId,
    workspace_id: workspace.id,
    account_id: accountId,
    owner: 0,
    managed_by: change.managedBy ?? null,
    field_sources: fieldSources(change.after!, ctx.actor, true),
    ...created(ctx),
  }) as Required<NewMembershipRow>;
}

/** Every column of a created member's row, in the order of the prepared insert's parameters. */
const CREATE_COLUMNS = [
  ...Object.values(MEMBER_COLUMNS),
  'user_name_lower', 'id', 'workspace_id', 'account_id', 'owner', 'managed_by', 'field_sources', 'last_source', 'version', 'created_at', 'updated_at',
] as (keyof NewMembershipRow)[];

/** A row's values in CREATE_COLUMNS order: the parameters of the prepared insert below. */
const createValues = (row: Required<NewMembershipRow>): unknown[] => CREATE_COLUMNS.map((column) => row[column] ?? null);

/** The row of the prepared insert's builder, made of its parameters in CREATE_COLUMNS order. */
const createRow = (values: unknown[]): NewMembershipRow => Object.fromEntries(CREATE_COLUMNS.map((column, c) => [column, values[c]])) as unknown as NewMembershipRow;

/** One member created on its own (every SCIM POST): compiled once, where building the 45-column insert cost more than running it. */
const insertMember = preparedQuery((db, ...values: unknown[]) => db.insertInto('membership').values(createRow(values)).returningAll(), new Array<unknown>(CREATE_COLUMNS.length).fill(''));

/** Rows per multi-row membership INSERT on SQLite: about 45 columns, well inside its 32,766 bound parameters. */
const CREATE_CHUNK = 200;

async function applyMemberCreates(trx: Kysely<Database>, workspace: Workspace, batch: Change[], ctx: ApplyContext): Promise<void> {
  const emails = batch.map((c) => accountEmailOf(c.after as unknown as MemberFields));
  const accounts = await ensureAccounts(trx, emails, ctx.now);
  const rows = batch.map((change, k) => newMemberRow(workspace, change, accounts.get(emails[k]!)!, ctx));
  await insertRows(trx, 'membership', CREATE_COLUMNS, rows, CREATE_CHUNK);
}

async function applyGroup(trx: Kysely<Database>, workspace: Workspace, change: Change, ctx: ApplyContext): Promise<void> {
  const after = (change.after ?? {}) as { displayName?: string; externalId?: string | null; appName?: string };
  if (change.action === 'create') {
    await trx
      .insertInto('scim_group')
      .values({
        id: change.targetId,
        workspace_id: workspace.id,
        external_id: after.externalId ?? null,
        display_name: after.displayName!,
        display_name_lower: after.displayName!.toLowerCase(),
        app_name: after.appName ?? after.displayName!,
        managed_by: change.managedBy ?? null,
        ...created(ctx),
      })
      .execute();
    return;
  }
  if (change.action === 'remove') {
    await trx.deleteFrom('scim_group').where('workspace_id', '=', workspace.id).where('id', '=', change.targetId).execute();
    return;
  }
  await trx
    .updateTable('scim_group')
    .set((eb) => ({
      ...(after.displayName !== undefined ? { display_name: after.displayName, display_name_lower: after.displayName.toLowerCase() } : {}),
      ...(after.appName !== undefined ? { app_name: after.appName } : {}),
      ...('externalId' in after ? { external_id: after.externalId ?? null } : {}),
      ...(change.managedBy ? { managed_by: change.managedBy } : {}),
      ...touched(ctx, eb),
    }))
    .where('workspace_id', '=', workspace.id)
    .where('id', '=', change.targetId)
    .execute();
}

const GROUP_MEMBER_COLUMNS = ['group_id', 'membership_id', 'workspace_id', 'project_role', 'created_at'] as const;

interface MembershipState {
  groupId: string;
  memberId: string;
  projectRole?: string | null;
}

/** Group memberships in bulk; touched groups get a new version so their ETags change. */
async function applyMemberships(trx: Kysely<Database>, workspace: Workspace, batch: Change[], ctx: ApplyContext): Promise<void> {
  const states = batch.map((c) => (c.after ?? c.before) as unknown as MembershipState);
  const action = batch[0]!.action;
  if (action === 'create') {
    const rows = states.map((s) => ({ group_id: s.groupId, membership_id: s.memberId, workspace_id: workspace.id, project_role: s.projectRole ?? null, created_at: ctx.now }));
    for (const chunk of rowChunks(trx, 'group_member', GROUP_MEMBER_COLUMNS, rows, CHUNK)) {
      await insertChunk(trx.insertInto('group_member'), GROUP_MEMBER_COLUMNS, chunk)
        .onConflict((oc) => oc.columns(['group_id', 'membership_id']).doNothing())
        .execute();
    }
  } else if (action === 'remove') {
    const byGroup = new Map<string, string[]>();
    for (const s of states) byGroup.set(s.groupId, [...(byGroup.get(s.groupId) ?? []), s.memberId]);
    for (const [groupId, memberIds] of byGroup) {
      for (let i = 0; i < memberIds.length; i += CHUNK) {
        await trx.deleteFrom('group_member').where('group_id', '=', groupId).where('membership_id', 'in', memberIds.slice(i, i + CHUNK)).execute();
      }
    }
  } else {
    for (const s of states) {
      await trx
        .updateTable('group_member')
        .set({ project_role: s.projectRole ?? null })
        .where('group_id', '=', s.groupId)
        .where('membership_id', '=', s.memberId)
        .execute();
    }
  }
  const groupIds = [...new Set(states.map((s) => s.groupId))];
  await trx
    .updateTable('scim_group')
    .set((eb) => touched(ctx, eb))
    .where('workspace_id', '=', workspace.id)
    .where('id', 'in', groupIds)
    .execute();
}

function logEntry(workspace: Workspace, change: Change, ctx: ApplyContext, result: LogEntry['result']): LogEntry {
  return changeLogEntry(change, { workspaceId: workspace.id, actor: ctx.actor, requestId: ctx.requestId, at: ctx.now, result, errorStatus: null, errorDetail: change.reason ?? null });
}

/** The provisioning log's row for one change: what it targets and its before and after, with the outcome. */
export function changeLogEntry(
  change: Change,
  outcome: Pick<LogEntry, 'workspaceId' | 'actor' | 'requestId' | 'at' | 'result' | 'errorStatus' | 'errorDetail'>,
): LogEntry {
  // Field by field rather than spreading `outcome`: every SCIM write builds one, and the spread was the slow part.
  return {
    workspaceId: outcome.workspaceId,
    actor: outcome.actor,
    requestId: outcome.requestId,
    at: outcome.at,
    result: outcome.result,
    errorStatus: outcome.errorStatus,
    errorDetail: outcome.errorDetail,
    operation: `${change.kind}.${change.action}`,
    targetKind: change.kind,
    targetId: change.targetId,
    targetKey: change.key,
    before: change.before,
    // A created member's record without its empty fields: what was set, not 30 nulls.
    after: change.kind === 'member' && change.action === 'create' && change.after ? setFieldsOf(change.after) : change.after,
  };
}
