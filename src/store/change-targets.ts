import type { Kysely } from 'kysely';
import type { Group } from '../model/group.js';
import type { Member, MemberFields } from '../model/member.js';
import type { Change } from '../model/plan.js';
import { membershipStateOf } from './change-writer.js';
import type { Database } from './database.js';
import { existingMemberIds } from './member-repository.js';
import { rowToMember } from './member-row.js';
import { allGroups, membersMatching } from './member-and-group-reads.js';

/** Read in the batch's transaction. */
export interface ChangeTargets {
  /** Targets of member updates and removals (absent: gone). */
  members: ReadonlyMap<string, Member>;
  /** Holders of creates' externalIds (`x:`) or userNames (`u:`) → member id. */
  taken: ReadonlyMap<string, string>;
  /** Existing members named by membership changes. */
  liveMembers: ReadonlySet<string>;
  /** When a change concerns groups or memberships. */
  groups: readonly Group[];
}

export const takenKey = {
  externalId: (externalId: string) => `x:${externalId}`,
  userName: (userName: string) => `u:${userName.toLowerCase()}`,
};

/** Creates' keys only with `checkCreates`. */
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

  const memberships = changes.filter((c) => c.kind === 'group_member' && c.action !== 'skip');
  const liveMembers = memberships.length ? new Set((await existingMemberIds(trx, workspaceId, memberships.map((c) => membershipStateOf(c).memberId))).keys()) : new Set<string>();
  const groups = memberships.length > 0 || changes.some((c) => c.kind === 'group') ? await allGroups(trx, workspaceId) : [];
  return { members, taken, liveMembers, groups };
}
