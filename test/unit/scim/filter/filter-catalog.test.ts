import { describe, expect, it } from 'vitest';
import { groupFilterCatalog } from '../../../../src/scim/filter/group-filter-catalog.js';
import { userFilterCatalog } from '../../../../src/scim/filter/user-filter-catalog.js';
import { DEFAULT_EXTENSION_URN } from '../../../../src/scim/schema/workspace-extension-schema.js';

const ACME = 'urn:acme:params:scim:schemas:extension:2.0:User';
const users = userFilterCatalog({ extensionUrn: ACME, roleAttribute: 'license' });

describe('userFilterCatalog', () => {
  it('maps userName to its column and indexed lower-case copy, in any spelling', () => {
    const expected = { kind: 'column', name: 'userName', column: 'membership.user_name', type: 'string', caseExact: false, lowerColumn: 'membership.user_name_lower' };
    expect(users.resolve({ attribute: 'USERNAME' })).toEqual(expected);
    expect(users.resolve({ uri: 'urn:ietf:params:scim:schemas:core:2.0:user', attribute: 'userName' })).toEqual(expected);
  });

  it('keeps the schema caseExact characteristic (id, externalId)', () => {
    expect(users.resolve({ attribute: 'externalId' })).toMatchObject({ column: 'membership.external_id', caseExact: true });
    expect(users.resolve({ attribute: 'id' })).toMatchObject({ column: 'membership.id', caseExact: true });
  });

  it('maps sub-attributes of complex and meta attributes', () => {
    expect(users.resolve({ attribute: 'name', subAttribute: 'FAMILYNAME' })).toMatchObject({ name: 'name.familyName', column: 'membership.family_name' });
    expect(users.resolve({ attribute: 'meta', subAttribute: 'lastmodified' })).toMatchObject({ column: 'membership.updated_at', type: 'dateTime' });
    expect(users.resolve({ attribute: 'name' })).toBeUndefined();
  });

  it('maps multi-valued attributes to JSON arrays with their sub-attribute types', () => {
    expect(users.resolve({ attribute: 'emails' })).toEqual({
      kind: 'jsonArray',
      name: 'emails',
      column: 'membership.emails',
      subAttributes: { value: 'string', display: 'string', type: 'string', primary: 'boolean' },
      defaultSub: 'value',
    });
    expect(users.resolve({ attribute: 'Emails', subAttribute: 'Type' })).toMatchObject({ kind: 'jsonArray', name: 'emails.type', subAttribute: 'type' });
    expect(users.resolve({ attribute: 'addresses', subAttribute: 'postalCode' })).toMatchObject({ column: 'membership.addresses', subAttribute: 'postalCode' });
    expect(users.resolve({ attribute: 'emails', subAttribute: 'shoe' })).toBeUndefined();
  });

  it("uses the workspace's own extension URN and role attribute", () => {
    expect(users.resolve({ uri: ACME, attribute: 'License' })).toMatchObject({ column: 'membership.role' });
    expect(users.resolve({ attribute: 'creditLimit' })).toMatchObject({ column: 'membership.credit_limit', type: 'integer' });
    expect(users.resolve({ uri: DEFAULT_EXTENSION_URN, attribute: 'role' })).toBeUndefined();
  });

  it('maps the enterprise extension, with or without its URN', () => {
    const enterprise = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';
    expect(users.resolve({ uri: enterprise, attribute: 'manager', subAttribute: 'value' })).toMatchObject({ column: 'membership.manager_id', caseExact: true });
    expect(users.resolve({ attribute: 'costCenter' })).toMatchObject({ column: 'membership.cost_center' });
  });

  it('does not know unstored or unknown attributes', () => {
    for (const attribute of ['password', 'groups', 'ims', 'shoeSize']) expect(users.resolve({ attribute })).toBeUndefined();
  });
});

describe('groupFilterCatalog', () => {
  const groups = groupFilterCatalog();

  it('maps displayName with its lower-case copy and members to the join table', () => {
    expect(groups.resolve({ attribute: 'displayname' })).toMatchObject({ column: 'scim_group.display_name', lowerColumn: 'scim_group.display_name_lower' });
    expect(groups.resolve({ attribute: 'members' })).toMatchObject({ kind: 'groupMembers', table: 'group_member', memberColumn: 'membership_id' });
    expect(groups.resolve({ attribute: 'members', subAttribute: 'Value' })).toMatchObject({ kind: 'groupMembers' });
    expect(groups.resolve({ attribute: 'members', subAttribute: 'display' })).toBeUndefined();
  });
});
