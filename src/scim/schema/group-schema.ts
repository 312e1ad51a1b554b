import { defineAttribute, type ScimSchema } from './schema-attribute.js';
import { URN } from '../scim-urn.js';

/** RFC 7643 §4.2 and §8.7.1: the core Group schema. */
export const groupSchema: ScimSchema = {
  id: URN.group,
  name: 'Group',
  description: 'Group',
  attributes: [
    // §8.7.1 lists it as optional, but §4.2 says REQUIRED and Entra needs it unique: a Group without a name cannot be
    // matched. Unique in the workspace regardless of case: a second Group with the name gets 409 uniqueness.
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
