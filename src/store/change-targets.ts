import type { Kysely } from 'kysely';
import type { Group } from '../model/group.js';
import type { Member, MemberFields } from '../model/member.js';
import type { Change } from '../model/plan.js';
import { membershipStateOf } from './change-writer.js';
import type { Database } from './database.js';
import { existingMemberIds } from './member-repository.js';
import { rowToMember } from './member-row.js';
import { allGroups, membersMatching } from './member-and-group-reads.js';

/** What a batch of planned changes targets, as the store holds it now: read inside the batch's transaction. */
export interface ChangeTargets {
  /** The members that updates, deactivations, reactivations and removals target, by id (absent: gone). */
  members: ReadonlyMap<string, Member>;
  /** Members holding the externalId (`x:<id>`) or userName (`u:<lower-cased>`) of a member create: key → member id. */
  taken: ReadonlyMap<string, string>;
  /** Which members that group-membership changes name exist. */
  liveMembers: ReadonlySet<string>;
  /** Every group of the workspace, when a change concerns groups or memberships. */
  groups: readonly Group[];
}

export const takenKey = {
  externalId: (externalId: string) => `x:${externalId}`,
  userName: (userName: string) => `u:${userName.toLowerCase()}`,
};

/** Read what `changes` target. The keys of member creates are looked up only with `checkCreates`. */
export async function readChangeTargets(trx: Kysely<Database>, workspaceId: string, changes: readonly Change[], checkCreates: boolean): Promise<ChangeTargets> {
  const targetIds = changes.filter((c) => c.kind === 'member' && c.action !== 'create' && c.action !== 'skip').map((c) => c.targetId);
  const rows = targetIds.length ? await trx.selectFrom('membership').selectAll().where('workspace_id', '=', workspaceId).where('id', 'in', targetIds).execute() : [];
  const members = new Map<string, Member>(rows.map((r) => [r.id, rowToMember(r)]));

  const creates = checkCreates ? changes.filter((c) => c.kind === 'member' && c.action === 'create').map((c) => c.after as unknown as MemberFields) : [];
  const holders = creates.length
    ? await membersMatching(trx, workspaceId, creates.flatMap((f) => (f.externalId === null ? [] : [f.externalId])), creates.map((f) => f.userName))
    : [];
  const taken = new Map<string, string>();
  for (const m of holders) {
    if (m.externalId !== null) taken.set(takenKey.externalId(m.externalId), m.id);
    taken.set(takenKey.userName(m.userName), m.id);
  }

  const memberships = changes.filter((c) => c.kind === 'membership' && c.action !== 'skip');
  const liveMembers = memberships.length ? new Set((await existingMemberIds(trx, workspaceId, memberships.map((c) => membershipStateOf(c).memberId))).keys()) : new Set<string>();
  const groups = memberships.length > 0 || changes.some((c) => c.kind === 'group') ? await allGroups(trx, workspaceId) : [];
  return { members, taken, liveMembers, groups };
}
