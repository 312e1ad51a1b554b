import { RosterdError } from '../error/rosterd-error.js';
import type { Member } from '../model/member.js';
import { apply } from '../reconcile/apply.js';
import type { Store } from '../store/store.js';
import { findMemberByUserName } from '../store/member-repository.js';

/**
 * Through the one apply as `cli` (the only actor allowed to change owners), so the revision moves and the log records
 * it. Returns the member as it was before.
 */
export async function setOwner(store: Store, workspaceId: string, userName: string, owner: boolean, now: () => string): Promise<Member> {
  const outcome = await apply(
    store,
    workspaceId,
    async (trx) => {
      const member = await findMemberByUserName(trx, workspaceId, userName);
      if (!member) throw new RosterdError('ROSTERD_E_NOT_FOUND', `workspace "${workspaceId}" has no member "${userName}"; see rosterd members ${workspaceId}`);
      const change = {
        action: member.owner === owner ? ('skip' as const) : ('update' as const),
        kind: 'member' as const,
        key: member.userName,
        targetId: member.id,
        before: { owner: member.owner },
        after: { owner },
        reason: owner ? 'made an owner with rosterd members set-owner' : 'no longer an owner (rosterd members set-owner --unset)',
        ...(member.owner ? { owner: true } : {}),
      };
      return { changes: [change], current: new Map([[member.id, member]]), value: member };
    },
    { actor: 'cli', requestId: null, now, mode: 'whole', failure: { operation: 'member.update', targetKind: 'member', targetId: null, targetKey: userName } },
  );
  return outcome.value;
}
