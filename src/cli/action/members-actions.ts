import { setOwner } from '../../admin/set-owner.js';
import type { Kysely } from 'kysely';
import type { Member } from '../../model/member.js';
import type { Database } from '../../store/database.js';
import { listMembers } from '../../store/member-repository.js';
import { driftList } from '../../store/pulled-member-repository.js';
import { withStore, type GlobalOptions } from '../open-store.js';
import { requireWorkspace } from '../require-workspace.js';
import { print, printJson, renderTable } from '../view/table.js';

export async function listMembersAction(globals: GlobalOptions, workspaceId: string, options: { json?: boolean }): Promise<void> {
  await withStore(globals, async ({ store }) => {
    const workspace = await requireWorkspace(store.db, workspaceId);
    const all: Awaited<ReturnType<typeof listMembers>>['members'] = [];
    for (let offset = 0; ; offset += 1000) {
      const page = await listMembers(store.db, workspace.id, undefined, { offset, limit: 1000, fieldSources: true });
      all.push(...page.members);
      if (page.members.length < 1000) break;
    }
    if (options.json) return printJson(await withDrift(store.db, workspace.id, all));
    if (all.length === 0) return print(`workspace "${workspace.id}" has no members yet`);
    const roleHeader = workspace.version === 'v1' ? 'SEAT' : 'ROLE';
    print(
      renderTable(
        ['USERNAME', 'EXTERNAL ID', 'ACTIVE', roleHeader, 'CREDIT', 'OWNER', 'SOURCE', 'ID'],
        all.map((m) => [
          m.userName,
          m.externalId,
          m.active ? 'yes' : 'no',
          workspace.version === 'v1' ? m.seatType : m.role,
          m.creditLimit,
          m.owner ? 'owner' : '',
          m.lastSource,
          m.id,
        ]),
      ),
    );
  });
}

export async function setOwnerAction(globals: GlobalOptions, workspaceId: string, userName: string, options: { unset?: boolean }): Promise<void> {
  await withStore(globals, async ({ store }) => {
    const workspace = await requireWorkspace(store.db, workspaceId);
    const owner = !options.unset;
    const member = await setOwner(store, workspace.id, userName, owner, () => new Date().toISOString());
    print(owner ? `${member.userName} is now an owner of ${workspace.id}` : `${member.userName} is no longer an owner of ${workspace.id}`);
  });
}

/**
 * Each member with its drift, when its binding's IdP says something the store does not hold: the reason (refused,
 * in conflict, …) and the sentence, or `changed_elsewhere` for a member another source wrote since its binding's last
 * cycle compared it.
 */
async function withDrift(db: Kysely<Database>, workspaceId: string, members: Member[]): Promise<(Member & { drift: object | null })[]> {
  const drifts = new Map((await driftList(db, workspaceId, Number.MAX_SAFE_INTEGER)).map((d) => [`${d.binding}\u0001${d.externalId}`, d]));
  return members.map((m) => {
    const recorded = m.managedBy !== null && m.externalId !== null ? drifts.get(`${m.managedBy}\u0001${m.externalId}`) : undefined;
    const drift = recorded
      ? { binding: recorded.binding, reason: recorded.reason, detail: recorded.detail }
      : m.managedBy !== null && m.syncedVersion !== m.version
        ? { binding: m.managedBy, reason: 'changed_elsewhere', detail: `written by ${m.lastSource} since connector ${m.managedBy} last compared it; its next cycle does` }
        : null;
    return { ...m, drift };
  });
}
