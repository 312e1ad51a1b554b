import type { Group } from '../model/group.js';
import { membersOfGroups } from '../store/group-repository.js';
import type { JsonObject } from './json-object.js';
import { groupToScim } from './group-mapper.js';
import { offLoopRead } from './heavy-read.js';
import type { ListRequest } from './list-request.js';
import { mapInSlices } from './map-in-slices.js';
import { project, wantsAttribute } from './projection.js';
import type { ScimContext } from './scim-context.js';
import { URN } from './scim-urn.js';

/** Excluding members (as Entra does) skips reading them; else they are read off the loop, as a group can be huge. */
export async function renderGroups(ctx: ScimContext, groups: readonly Group[], projection: Pick<ListRequest, 'attributes' | 'excludedAttributes'>): Promise<JsonObject[]> {
  const members = wantsAttribute(projection, 'members') && groups.length > 0 ? await offLoopRead(ctx, (db) => membersOfGroups(db, groups.map((g) => g.id))) : undefined;
  return mapInSlices(groups, (g) => project(groupToScim(g, members?.get(g.id), ctx.baseUrl), projection, [], URN.group));
}
