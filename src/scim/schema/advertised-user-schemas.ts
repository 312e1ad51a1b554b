import type { Workspace } from '../../model/workspace.js';
import { V2_ROLES } from '../../model/workspace-role.js';
import type { SchemaSet } from './find-attribute.js';
import type { SchemaAttribute, ScimSchema } from './schema-attribute.js';
import { userSchemasOf } from './workspace-schemas.js';

/** Its value map's IdP values, then the workspace roles. */
export function roleValuesOf(workspace: Workspace): string[] {
  return [...new Set([...Object.keys(workspace.policy.roleValueMap), ...V2_ROLES])];
}

const withCanonicalValues = (attribute: SchemaAttribute, values: string[]): SchemaAttribute => ({ ...attribute, canonicalValues: values });

function coreWithRoleValues(core: ScimSchema, values: string[]): ScimSchema {
  return {
    ...core,
    attributes: core.attributes.map((attribute) =>
      attribute.name === 'roles'
        ? { ...attribute, subAttributes: attribute.subAttributes?.map((sub) => (sub.name === 'value' ? withCanonicalValues(sub, values) : sub)) }
        : attribute,
    ),
  };
}

/**
 * The User schemas /Schemas shows a workspace, as its policy treats them: V2 refuses every seatType, so it is left
 * out, and the role attribute lists accepted values as canonicalValues. V1 schemas are shown as they are.
 */
export function advertisedUserSchemas(workspace: Workspace): SchemaSet {
  const spoken = userSchemasOf(workspace);
  if (workspace.version !== 'v2') return spoken;
  const values = roleValuesOf(workspace);
  const roleSource = workspace.policy.roleSource;
  const extensions = spoken.extensions.map((schema) => {
    if (schema.id !== workspace.extensionUrn) return schema;
    const attributes = schema.attributes
      .filter((attribute) => attribute.name !== 'seatType')
      .map((attribute) => (roleSource.kind === 'extension' && attribute.name === roleSource.attribute ? withCanonicalValues(attribute, values) : attribute));
    return { ...schema, attributes };
  });
  return { core: roleSource.kind === 'roles' ? coreWithRoleValues(spoken.core, values) : spoken.core, extensions };
}
