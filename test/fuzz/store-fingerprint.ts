import { createHash } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { Database } from '../../src/store/database.js';

/**
 * A digest of what SCIM writes in the given workspaces: each member's id, version and active flag, each group's id
 * and version, every group membership, and the number of accounts. Any write bumps a version or adds or removes a
 * row, so equal digests mean an unchanged store. A cheap read while the workspaces stay small.
 */
export async function storeFingerprint(db: Kysely<Database>, workspaceIds: readonly string[]): Promise<string> {
  const [members, groups, links, accounts] = await Promise.all([
    db.selectFrom('membership').select(['id', 'version', 'active']).where('workspace_id', 'in', workspaceIds).orderBy('id').execute(),
    db.selectFrom('scim_group').select(['id', 'version']).where('workspace_id', 'in', workspaceIds).orderBy('id').execute(),
    db.selectFrom('group_member').select(['group_id', 'membership_id', 'project_role']).where('workspace_id', 'in', workspaceIds).orderBy('group_id').orderBy('membership_id').execute(),
    db.selectFrom('account').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow(),
  ]);
  return createHash('sha256').update(JSON.stringify([members, groups, links, Number(accounts.n)])).digest('hex');
}
