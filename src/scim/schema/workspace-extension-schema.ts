import { defineAttribute, type ScimSchema } from './schema-attribute.js';

/** The URN a workspace gets unless its vendor preset names its own. */
export const DEFAULT_EXTENSION_URN = 'urn:rosterd:params:scim:schemas:extension:workspace:2.0:User';

export const DEFAULT_ROLE_ATTRIBUTE = 'role';

/**
 * The per-workspace User extension: the vendor-side role, credit limit and seat type that IdPs
 * push through custom attribute mappings. The URN and the role attribute's name come from the
 * workspace's preset, because each vendor's admins already know their product's own spelling.
 */
export function workspaceExtensionSchema(urn: string = DEFAULT_EXTENSION_URN, roleAttribute: string = DEFAULT_ROLE_ATTRIBUTE): ScimSchema {
  return {
    id: urn,
    name: 'WorkspaceUser',
    description: 'Workspace membership settings managed by rosterd',
    attributes: [
      defineAttribute(roleAttribute, 'string', 'The role of the member in the workspace.'),
      defineAttribute('creditLimit', 'integer', 'The spending or usage credit limit of the member (V2 workspaces).'),
      defineAttribute('seatType', 'string', 'The kind of seat the member occupies (V1 workspaces).'),
    ],
  };
}
