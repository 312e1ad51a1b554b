import { describe, expect, it } from 'vitest';
import type { Member } from '../../../src/model/member.js';
import { workspacePolicySchema, type WorkspacePolicyInput } from '../../../src/model/workspace-policy.js';
import type { Workspace } from '../../../src/model/workspace.js';
import { memberFieldsFromScim, memberToScim, withWorkspaceDefaults } from '../../../src/scim/user-mapper.js';

const USER = 'urn:ietf:params:scim:schemas:core:2.0:User';
const ENTERPRISE = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';
const EXT = 'urn:base44:params:scim:schemas:extension:user:2.0';

const workspace = (version: 'v1' | 'v2', policy: WorkspacePolicyInput = {}): Workspace => ({
  id: 'w',
  name: 'w',
  version,
  extensionUrn: EXT,
  policy: workspacePolicySchema.parse(policy),
  revision: 0,
  createdAt: '',
  updatedAt: '',
});

describe('memberFieldsFromScim', () => {
  it('reads attribute names and URNs case-insensitively and keeps multi-valued attributes as sent', () => {
    const emails = [{ value: 'A@X.com', type: 'work', primary: true, display: 'Work' }];
    const fields = memberFieldsFromScim(
      {
        Schemas: [USER],
        UserName: 'a@x.com',
        NAME: { GivenName: 'Ann' },
        emails,
        [ENTERPRISE.toUpperCase()]: { department: 'R&D', manager: { value: 'm1', displayName: 'Boss' } },
        [EXT]: { role: 'Admin', creditLimit: 50 },
      },
      workspace('v2'),
    );
    expect(fields).toMatchObject({ userName: 'a@x.com', givenName: 'Ann', department: 'R&D', managerId: 'm1', role: 'admin', creditLimit: 50 });
    expect(fields.emails).toEqual(emails);
  });
  it('gives the sub-attributes of multi-valued attributes their canonical spelling, keeps their values and drops sub-attributes no schema declares', () => {
    const fields = memberFieldsFromScim(
      {
        schemas: [USER],
        userName: 'a',
        Emails: [{ Value: 'a@x.example', TYPE: 'work', Primary: true, Display: 'A' }],
        phoneNumbers: [{ VALUE: '+1 555', type: 'mobile' }],
        addresses: [{ StreetAddress: '1 Way', PostalCode: '98052', Country: 'US' }],
        roles: [{ Value: 'Admin', Custom: 'kept' }],
      },
      workspace('v1'),
    );
    expect(fields.emails).toEqual([{ value: 'a@x.example', type: 'work', primary: true, display: 'A' }]);
    expect(fields.phoneNumbers).toEqual([{ value: '+1 555', type: 'mobile' }]);
    expect(fields.addresses).toEqual([{ streetAddress: '1 Way', postalCode: '98052', country: 'US' }]);
    expect(fields.roles).toEqual([{ value: 'Admin' }]);
    expect(() => memberFieldsFromScim({ schemas: [USER], userName: 'a', emails: ['not-an-object'] }, workspace('v1'))).toThrow(/emails\[0\] must be an object/);
  });
  it('refuses wrong types with the attribute name', () => {
    expect(() => memberFieldsFromScim({ schemas: [USER], userName: 'a', active: 'False' }, workspace('v2'))).toThrow(/active must be true or false/);
    expect(() => memberFieldsFromScim({ schemas: [USER], userName: 'a', title: 3 }, workspace('v2'))).toThrow(/title must be a string/);
    expect(() => memberFieldsFromScim({ schemas: [USER], userName: '' }, workspace('v2'))).toThrow(/userName is required/);
    expect(() => memberFieldsFromScim({ userName: 'a' }, workspace('v2'))).toThrow(/schemas must list/);
  });
  it('keeps presence for the strict version rule: empty seatType on V2 stays, empty role on V2 means unset', () => {
    expect(memberFieldsFromScim({ schemas: [USER], userName: 'a', [EXT]: { seatType: '' } }, workspace('v2')).seatType).toBe('');
    expect(memberFieldsFromScim({ schemas: [USER], userName: 'a', [EXT]: { role: '' } }, workspace('v2')).role).toBeNull();
    expect(memberFieldsFromScim({ schemas: [USER], userName: 'a', [EXT]: { role: '' } }, workspace('v1')).role).toBe('');
  });
  it('accepts workspace attributes at the top level (Okta with no external namespace)', () => {
    expect(memberFieldsFromScim({ schemas: [USER], userName: 'a', seatType: 'builder' }, workspace('v1')).seatType).toBe('builder');
  });
  it('maps values through the workspace value map (Activepieces)', () => {
    const ws = { ...workspace('v2', { roleSource: { kind: 'extension', attribute: 'platformRole' }, roleValueMap: { ADMIN: 'admin', OPERATOR: 'editor', MEMBER: 'viewer' } }) };
    expect(memberFieldsFromScim({ schemas: [USER], userName: 'a', [EXT]: { platformRole: 'OPERATOR' } }, ws).role).toBe('editor');
  });
  it('reads the role from core roles: primary, only, or several by precedence', () => {
    const ws = workspace('v2', { roleSource: { kind: 'roles', multiple: true }, roleValueMap: { Admin: 'admin', Editor: 'editor' } });
    const read = (roles: unknown[]) => memberFieldsFromScim({ schemas: [USER], userName: 'a', roles }, ws).role;
    expect(read([{ value: 'Editor', primary: true }, { value: 'Admin' }])).toBe('editor');
    expect(read([{ value: 'Editor' }])).toBe('editor');
    expect(read([{ value: 'Editor' }, { value: 'Admin' }])).toBe('admin');
    const single = workspace('v2', { roleSource: { kind: 'roles' } });
    expect(() => memberFieldsFromScim({ schemas: [USER], userName: 'a', roles: [{ value: 'a' }, { value: 'b' }] }, single)).toThrow(/none is primary/);
  });
  it('fills the default role (V2) or seat type (V1)', () => {
    const v2 = workspace('v2', { defaultRole: 'editor' });
    expect(withWorkspaceDefaults(memberFieldsFromScim({ schemas: [USER], userName: 'a' }, v2), v2).role).toBe('editor');
    const v1 = workspace('v1', { defaultSeatType: 'pro' });
    expect(withWorkspaceDefaults(memberFieldsFromScim({ schemas: [USER], userName: 'a' }, v1), v1).seatType).toBe('pro');
  });
});

describe('memberToScim', () => {
  it('renders the core, enterprise and workspace extension with meta', () => {
    const ws = workspace('v2');
    const fields = withWorkspaceDefaults(memberFieldsFromScim({ schemas: [USER], userName: 'a', [ENTERPRISE]: { department: 'X' } }, ws), ws);
    const member: Member = { ...fields, id: 'id1', workspaceId: 'w', accountId: 'acc', owner: false, lastSource: 'key:k', managedBy: null, version: 3, syncedVersion: 0, createdAt: 'c', updatedAt: 'u' };
    const resource = memberToScim(member, ws, { baseUrl: 'https://h/scim/v2/organizations/w' });
    expect(resource.schemas).toEqual([USER, ENTERPRISE, EXT]);
    expect(resource[EXT]).toEqual({ role: 'viewer' });
    expect(resource.meta).toEqual({ resourceType: 'User', created: 'c', lastModified: 'u', location: 'https://h/scim/v2/organizations/w/Users/id1', version: 'W/"3"' });
    expect(resource.active).toBe(true);
    expect(resource).not.toHaveProperty('title');
  });
});
