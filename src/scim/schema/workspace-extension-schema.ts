import { defineAttribute, type ScimSchema } from './schema-attribute.js';

export const DEFAULT_EXTENSION_URN = 'urn:rosterd:params:scim:schemas:extension:workspace:2.0:User';

export const DEFAULT_ROLE_ATTRIBUTE = 'role';

/** The per-workspace User extension; its URN and role attribute name come from the vendor preset. */
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
