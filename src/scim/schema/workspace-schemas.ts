import type { Workspace } from '../../model/workspace.js';
import { enterpriseUserSchema } from './enterprise-user-schema.js';
import type { SchemaSet } from './find-attribute.js';
import { groupSchema } from './group-schema.js';
import { userSchema } from './user-schema.js';
import { workspaceExtensionSchema } from './workspace-extension-schema.js';

const cache = new Map<string, SchemaSet>();

export function userSchemasOf(workspace: Workspace): SchemaSet {
  const attribute = workspace.policy.roleSource.kind === 'extension' ? workspace.policy.roleSource.attribute : 'role';
  const cacheKey = `${workspace.extensionUrn}\u0000${attribute}`;
  let set = cache.get(cacheKey);
  if (!set) {
    set = { core: userSchema, extensions: [enterpriseUserSchema, workspaceExtensionSchema(workspace.extensionUrn, attribute)] };
    cache.set(cacheKey, set);
  }
  return set;
}

export const GROUP_SCHEMAS: SchemaSet = { core: groupSchema, extensions: [] };
