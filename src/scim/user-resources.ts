import type { GroupRef } from '../model/group.js';
import type { Member } from '../model/member.js';
import type { Workspace } from '../model/workspace.js';
import { groupsOfMembers } from '../store/group-repository.js';
import type { JsonObject } from './json-object.js';
import type { FilterCatalog } from './filter/filter-catalog.js';
import { userFilterCatalog } from './filter/user-filter-catalog.js';
import type { ListRequest } from './list-request.js';
import { mapInSlices } from './map-in-slices.js';
import { project, wantsAttribute } from './projection.js';
import type { ScimContext } from './scim-context.js';
import { URN } from './scim-urn.js';
import { memberToScim } from './user-mapper.js';

export function userCatalog(workspace: Workspace): FilterCatalog {
  return userFilterCatalog({
    extensionUrn: workspace.extensionUrn,
    roleAttribute: workspace.policy.roleSource.kind === 'extension' ? workspace.policy.roleSource.attribute : 'role',
  });
}

/** `groups` are looked up only if the read did not fetch them and the projection wants them. */
export async function renderUsers(
  ctx: ScimContext,
  members: readonly Member[],
  projection: Pick<ListRequest, 'attributes' | 'excludedAttributes'>,
  groups?: ReadonlyMap<string, GroupRef[]>,
): Promise<JsonObject[]> {
  const wanted = wantsAttribute(projection, 'groups');
  const byMember = wanted ? (groups ?? (members.length > 0 ? await groupsOfMembers(ctx.store.db, members.map((m) => m.id)) : undefined)) : undefined;
  const extensions = [URN.enterpriseUser, ctx.workspace.extensionUrn];
  return mapInSlices(members, (m) => project(memberToScim(m, ctx.workspace, { baseUrl: ctx.baseUrl, groups: byMember?.get(m.id) ?? [] }), projection, extensions, URN.user));
}
