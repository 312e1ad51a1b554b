import { defineAttribute, type ScimSchema } from './schema-attribute.js';
import { URN } from '../scim-urn.js';

export const groupSchema: ScimSchema = {
  id: URN.group,
  name: 'Group',
  description: 'Group',
  attributes: [
    // Required and unique (case-insensitively) in the workspace: Entra matches groups by name.
    defineAttribute('displayName', 'string', 'A human-readable name for the Group.', { required: true, uniqueness: 'server' }),
    defineAttribute('members', 'complex', 'A list of members of the Group.', {
      multiValued: true,
      subAttributes: [
        defineAttribute('value', 'string', "Identifier of the member of this Group.", { mutability: 'immutable' }),
        defineAttribute('$ref', 'reference', 'The URI corresponding to a SCIM resource that is a member of this Group.', {
          mutability: 'immutable',
          referenceTypes: ['User', 'Group'],
        }),
        // Okta sends it with every member; the service provider fills it in responses.
        defineAttribute('display', 'string', 'A human-readable name for the member, primarily used for display purposes.', { mutability: 'readOnly' }),
        defineAttribute('type', 'string', 'A label indicating the type of resource, e.g., "User" or "Group".', {
          mutability: 'immutable',
          canonicalValues: ['User', 'Group'],
        }),
      ],
    }),
  ],
};
