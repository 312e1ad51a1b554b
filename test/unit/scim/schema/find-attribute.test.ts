import { describe, expect, it } from 'vitest';
import { enterpriseUserSchema } from '../../../../src/scim/schema/enterprise-user-schema.js';
import { findAttribute, resolveAttributePath } from '../../../../src/scim/schema/find-attribute.js';
import { userSchema } from '../../../../src/scim/schema/user-schema.js';
import { DEFAULT_EXTENSION_URN, workspaceExtensionSchema } from '../../../../src/scim/schema/workspace-extension-schema.js';

const schemas = { core: userSchema, extensions: [enterpriseUserSchema, workspaceExtensionSchema(DEFAULT_EXTENSION_URN, 'accessLevel')] };
const describePath = (path: string) => {
  const r = resolveAttributePath(schemas, path);
  return r && [r.schema.id, r.attribute.name, r.subAttribute?.name];
};

describe('resolveAttributePath', () => {
  it.each([
    ['EMAILS', [userSchema.id, 'emails', undefined]],
    ['name.FamilyName', [userSchema.id, 'name', 'familyName']],
    ['emails.Value', [userSchema.id, 'emails', 'value']],
    ['meta.Created', [userSchema.id, 'meta', 'created']],
    ['ID', [userSchema.id, 'id', undefined]],
    ['urn:ietf:params:scim:schemas:core:2.0:user:username', [userSchema.id, 'userName', undefined]],
    ['urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager.value', [enterpriseUserSchema.id, 'manager', 'value']],
    ['URN:IETF:PARAMS:SCIM:SCHEMAS:EXTENSION:ENTERPRISE:2.0:USER:EMPLOYEENUMBER', [enterpriseUserSchema.id, 'employeeNumber', undefined]],
    ['employeeNumber', [enterpriseUserSchema.id, 'employeeNumber', undefined]],
    [`${DEFAULT_EXTENSION_URN}:AccessLevel`, [DEFAULT_EXTENSION_URN, 'accessLevel', undefined]],
    ['creditLimit', [DEFAULT_EXTENSION_URN, 'creditLimit', undefined]],
  ])('%s', (path, expected) => {
    expect(describePath(path)).toEqual(expected);
  });

  it.each(['nope', 'name.nope', 'userName.value', 'urn:unknown:2.0:User:userName', 'name.givenName.x', 'name.', 'urn:ietf:params:scim:schemas:core:2.0:User'])(
    '%s does not resolve',
    (path) => {
      expect(resolveAttributePath(schemas, path)).toBeUndefined();
    },
  );
});

describe('schemas as data', () => {
  it('marks groups read-only, and leaves out the password, which is never stored', () => {
    expect(findAttribute(userSchema.attributes, 'password')).toBeUndefined();
    expect(findAttribute(userSchema.attributes, 'groups')).toMatchObject({ mutability: 'readOnly', multiValued: true });
    expect(findAttribute(userSchema.attributes, 'userName')).toMatchObject({ required: true, uniqueness: 'server', caseExact: false });
  });

  it('lists the RFC 7643 §4.1 attributes rosterd stores', () => {
    expect(userSchema.attributes.map((a) => a.name)).toEqual([
      'userName', 'name', 'displayName', 'nickName', 'profileUrl', 'title', 'userType', 'preferredLanguage', 'locale', 'timezone', 'active',
      'emails', 'phoneNumbers', 'addresses', 'groups', 'roles',
    ]);
  });

  it('builds the workspace extension with the role attribute the preset names', () => {
    const schema = workspaceExtensionSchema('urn:acme:params:scim:schemas:extension:2.0:User', 'license');
    expect(schema.id).toBe('urn:acme:params:scim:schemas:extension:2.0:User');
    expect(schema.attributes.map((a) => [a.name, a.type])).toEqual([['license', 'string'], ['creditLimit', 'integer'], ['seatType', 'string']]);
    expect(workspaceExtensionSchema().attributes[0]!.name).toBe('role');
  });
});
