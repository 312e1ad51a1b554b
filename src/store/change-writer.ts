import { sql, type ExpressionBuilder, type Kysely } from 'kysely';
import { accountEmailOf, type Member, type MemberFields } from '../model/member.js';
import type { Change } from '../model/plan.js';
import type { Workspace } from '../model/workspace.js';
import { ensureAccount, ensureAccounts } from './account-repository.js';
import { insertChunk, insertRows, rowChunks } from './bulk-insert.js';
import type { Database, MembershipRow, NewMembershipRow } from './database.js';
import { dialectOf, type DialectSupport } from './dialect-support.js';
import { listChunks } from './list-chunks.js';
import { fieldsToColumns, MEMBER_COLUMNS, rowToMember } from './member-row.js';
import { preparedQuery } from './prepared-query.js';

// The only writer of member, group and membership rows, inside the apply's transaction (reconcile/apply.ts), which has
// already checked every change.

export interface WriteContext {
  /** The row's last source and field source. */
  actor: string;
  now: string;
  dialect: DialectSupport;
  eventSeq: number;
}

/** A unique key taken, or the target gone. */
export class WriteConflict extends Error {
  constructor(
    readonly failure: 'conflict' | 'missing',
    readonly change: Change,
    detail: string,
  ) {
    super(detail);
    this.name = 'WriteConflict';
  }
}

/** A connector's write leaves the member synced with its IdP. */
const byConnector = (ctx: WriteContext) => ctx.actor.startsWith('connector:');

const created = (ctx: WriteContext) => ({ last_source: ctx.actor, version: 1, created_at: ctx.now, updated_at: ctx.now, event_seq: ctx.eventSeq });

/** JSON field → actor for the fields written. */
function fieldSources(fields: Record<string, unknown>, actor: string, skipNull: boolean): string {
  const sources: Record<string, string> = {};
  // for…in: no entries array per member.
  for (const field in fields) {
    if (Object.hasOwn(fields, field) && Object.hasOwn(MEMBER_COLUMNS, field) && !(skipNull && fields[field] === null)) sources[field] = actor;
  }
  return JSON.stringify(sources);
}

/** `version` is the ETag. */
const touched = (ctx: WriteContext, eb: ExpressionBuilder<Database, 'membership' | 'scim_group'>) => ({
  version: eb('version', '+', 1),
  last_source: ctx.actor,
  updated_at: ctx.now,
  event_seq: ctx.eventSeq,
});

/** Returns the stored member of each member create or update; runs of like changes are multi-row statements. */
export async function writeChanges(trx: Kysely<Database>, workspace: Workspace, changes: readonly Change[], ctx: WriteContext): Promise<(Member | undefined)[]> {
  const stored = new Array<Member | undefined>(changes.length);
  let i = 0;
  while (i < changes.length) {
    const change = changes[i]!;
    const run = runOf(changes, i);
    if (change.kind === 'member' && change.action === 'create' && run > 1) {
      const members = await guard(ctx, change, () => writeMemberCreates(trx, workspace, changes.slice(i, i + run), ctx));
      for (let k = 0; k < run; k++) stored[i + k] = members[k];
      i += run;
      continue;
    }
    if (change.kind === 'group_member' && change.action !== 'skip') {
      await writeMemberships(trx, workspace, changes.slice(i, i + run), ctx);
      i += run;
      continue;
    }
    if (change.action !== 'skip') {
      stored[i] = await guard(ctx, change, () => (change.kind === 'member' ? writeMember(trx, workspace, change, ctx) : writeGroup(trx, workspace, change, ctx)));
    }
    i++;
  }
  return stored;
}

function runOf(changes: readonly Change[], i: number): number {
  const { kind, action } = changes[i]!;
  let j = i + 1;
  while (j < changes.length && changes[j]!.kind === kind && changes[j]!.action === action) j++;
  return j - i;
}

async function guard<T>(ctx: WriteContext, change: Change, write: () => Promise<T>): Promise<T> {
  try {
    return await write();
  } catch (error) {
    if (ctx.dialect.isUniqueViolation(error)) {
      throw new WriteConflict('conflict', change, `${change.kind} "${change.key}" conflicts with an existing ${change.kind} (userName, externalId or displayName already in use)`);
    }
    throw error;
  }
}

async function writeMember(trx: Kysely<Database>, workspace: Workspace, change: Change, ctx: WriteContext): Promise<Member | undefined> {
  if (change.action === 'create') {
    const accountId = await ensureAccount(trx, accountEmailOf(change.after as unknown as MemberFields), ctx.now);
    const [inserted] = await insertMember(trx, ...createValues(newMemberRow(workspace, change, accountId, ctx)));
    if (!inserted) throw new Error(`member "${change.key}" was not inserted`);
    return rowToMember(inserted);
  }
  if (change.action === 'remove') {
    // group_member rows go with it (ON DELETE CASCADE); the account stays.
    const removed = await trx.deleteFrom('membership').where('workspace_id', '=', workspace.id).where('id', '=', change.targetId).executeTakeFirst();
    if (Number(removed.numDeletedRows) === 0) throw new WriteConflict('missing', change, `member "${change.key}" no longer exists`);
    return undefined;
  }
  // update, deactivate, reactivate (`owner` only from the CLI).
  const after = change.after ?? {};
  const set: Record<string, unknown> = fieldsToColumns(after as Partial<MemberFields>);
  if (typeof after.owner === 'boolean') set.owner = after.owner ? 1 : 0;
  if (change.managedBy) set.managed_by = change.managedBy;
  const columns = Object.keys(set).sort();
  const update = memberUpdate(columns, byConnector(ctx));
  const values = columns.map((column) => set[column]);
  const [updated] = await update(trx, ...values, ctx.actor, ctx.now, ctx.eventSeq, fieldSources(after, ctx.actor, false), workspace.id, change.targetId);
  if (!updated) throw new WriteConflict('missing', change, `member "${change.key}" no longer exists`);
  return rowToMember(updated);
}

/** Distinct column sets seen in practice are few; the cap bounds a caller that varies them without end. */
const MAX_UPDATE_SHAPES = 64;

type MemberUpdate = (db: Kysely<Database>, ...values: unknown[]) => Promise<MembershipRow[]>;

const memberUpdates = new Map<string, MemberUpdate>();

/**
 * A member's UPDATE, compiled once per set of columns it writes (building one costs more than running it). Its values:
 * the columns', then the actor, the time, the event sequence, the field sources written, the workspace and the member.
 */
function memberUpdate(columns: readonly string[], synced: boolean): MemberUpdate {
  const key = `${synced ? 'synced:' : ''}${columns.join(',')}`;
  let update = memberUpdates.get(key);
  if (update) return update;
  if (memberUpdates.size >= MAX_UPDATE_SHAPES) memberUpdates.delete(memberUpdates.keys().next().value!);
  const built = preparedQuery((db, ...values: unknown[]) => {
    const [actor, now, eventSeq, sources, workspaceId, id] = values.slice(columns.length);
    return db
      .updateTable('membership')
      .set((eb) =>
        Object.assign(
          Object.fromEntries(columns.map((column, c) => [column, values[c]])),
          { version: sql<number>`version + 1`, last_source: actor as string, updated_at: now as string, event_seq: eventSeq as number },
          { field_sources: dialectOf(db).mergeJsonObject(eb.ref('field_sources'), sources as string) },
          synced ? { synced_version: sql<number>`version + 1` } : {},
        ),
      )
      .where('workspace_id', '=', workspaceId as string)
      .where('id', '=', id as string)
      .returningAll();
  }, new Array<unknown>(columns.length + 6).fill(''));
  update = built as MemberUpdate;
  memberUpdates.set(key, update);
  return update;
}

function newMemberRow(workspace: Workspace, change: Change, accountId: string, ctx: WriteContext): Required<NewMembershipRow> {
  return Object.assign(fieldsToColumns(change.after as unknown as MemberFields), {
    id: change.targetId,
    workspace_id: workspace.id,
    account_id: accountId,
    owner: 0,
    managed_by: change.managedBy ?? null,
    field_sources: fieldSources(change.after!, ctx.actor, true),
    synced_version: byConnector(ctx) ? 1 : 0,
    ...created(ctx),
  }) as Required<NewMembershipRow>;
}

/** In the prepared insert's parameter order. */
const CREATE_COLUMNS = [
  ...Object.values(MEMBER_COLUMNS),
  'user_name_lower', 'id', 'workspace_id', 'account_id', 'owner', 'managed_by', 'field_sources', 'synced_version', 'last_source', 'version', 'created_at', 'updated_at', 'event_seq',
] as (keyof NewMembershipRow)[];

const createValues = (row: Required<NewMembershipRow>): unknown[] => CREATE_COLUMNS.map((column) => row[column] ?? null);

const createRow = (values: unknown[]): NewMembershipRow => Object.fromEntries(CREATE_COLUMNS.map((column, c) => [column, values[c]])) as unknown as NewMembershipRow;

/** Compiled once: building this 46-column insert costs more than running it. */
const insertMember = preparedQuery((db, ...values: unknown[]) => db.insertInto('membership').values(createRow(values)).returningAll(), new Array<unknown>(CREATE_COLUMNS.length).fill(''));

async function writeMemberCreates(trx: Kysely<Database>, workspace: Workspace, batch: readonly Change[], ctx: WriteContext): Promise<Member[]> {
  const emails = batch.map((c) => accountEmailOf(c.after as unknown as MemberFields));
  const accounts = await ensureAccounts(trx, emails, ctx.now);
  const rows = batch.map((change, k) => newMemberRow(workspace, change, accounts.get(emails[k]!)!, ctx));
  await insertRows(trx, 'membership', CREATE_COLUMNS, rows);
  return rows.map((row) => rowToMember(row as unknown as MembershipRow));
}

async function writeGroup(trx: Kysely<Database>, workspace: Workspace, change: Change, ctx: WriteContext): Promise<undefined> {
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
    return undefined;
  }
  if (change.action === 'remove') {
    const removed = await trx.deleteFrom('scim_group').where('workspace_id', '=', workspace.id).where('id', '=', change.targetId).executeTakeFirst();
    if (Number(removed.numDeletedRows) === 0) throw new WriteConflict('missing', change, `group "${change.key}" no longer exists`);
    return undefined;
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
  return undefined;
}

const GROUP_MEMBER_COLUMNS = ['group_id', 'membership_id', 'workspace_id', 'project_role', 'created_at', 'event_seq'] as const;

export interface MembershipState {
  groupId: string;
  memberId: string;
  projectRole?: string | null;
}

export const membershipStateOf = (change: Change): MembershipState => (change.after ?? change.before) as unknown as MembershipState;

/** Touched groups get a new version so their ETags change. */
async function writeMemberships(trx: Kysely<Database>, workspace: Workspace, batch: readonly Change[], ctx: WriteContext): Promise<void> {
  const states = batch.map(membershipStateOf);
  const action = batch[0]!.action;
  if (action === 'create') {
    const rows = states.map((s) => ({ group_id: s.groupId, membership_id: s.memberId, workspace_id: workspace.id, project_role: s.projectRole ?? null, created_at: ctx.now, event_seq: ctx.eventSeq }));
    for (const chunk of rowChunks(trx, 'group_member', GROUP_MEMBER_COLUMNS, rows)) {
      await insertChunk(trx.insertInto('group_member'), GROUP_MEMBER_COLUMNS, chunk)
        .onConflict((oc) => oc.columns(['group_id', 'membership_id']).doNothing())
        .execute();
    }
  } else if (action === 'remove') {
    const byGroup = new Map<string, string[]>();
    for (const s of states) {
      const members = byGroup.get(s.groupId);
      if (members) members.push(s.memberId);
      else byGroup.set(s.groupId, [s.memberId]);
    }
    const perList = ctx.dialect.chunks.groupMembers;
    for (const [groupId, memberIds] of byGroup) {
      for (const chunk of listChunks(memberIds, perList)) {
        await trx.deleteFrom('group_member').where('group_id', '=', groupId).where('membership_id', 'in', chunk).execute();
      }
    }
  } else {
    for (const s of states) {
      await trx
        .updateTable('group_member')
        .set({ project_role: s.projectRole ?? null, event_seq: ctx.eventSeq })
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
