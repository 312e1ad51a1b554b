import { describe, expect, it } from 'vitest';
import { applyPatch } from '../../../../src/scim/patch/apply-patch.js';
import type { PatchOp } from '../../../../src/scim/patch/patch-op.js';
import { ScimError } from '../../../../src/scim/scim-error.js';
import { enterpriseUserSchema } from '../../../../src/scim/schema/enterprise-user-schema.js';
import { groupSchema } from '../../../../src/scim/schema/group-schema.js';
import { userSchema } from '../../../../src/scim/schema/user-schema.js';
import { DEFAULT_EXTENSION_URN, workspaceExtensionSchema } from '../../../../src/scim/schema/workspace-extension-schema.js';
import { refusal } from '../../../support/refusal.js';

const CORE = 'urn:ietf:params:scim:schemas:core:2.0:User';
const ENTERPRISE = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';
const USERS = { core: userSchema, extensions: [enterpriseUserSchema, workspaceExtensionSchema(DEFAULT_EXTENSION_URN, 'role')] };
const GROUPS = { core: groupSchema, extensions: [] };

function user(): Record<string, unknown> {
  return {
    schemas: [CORE, ENTERPRISE],
    id: 'u-1',
    externalId: 'babs',
    userName: 'babs@example.com',
    name: { givenName: 'Barbara', familyName: 'Jensen' },
    displayName: 'Babs Jensen',
    active: true,
    emails: [
      { value: 'babs@work.example.com', type: 'work', primary: true },
      { value: 'babs@home.example.org', type: 'home', primary: false },
    ],
    groups: [{ value: 'g-1', display: 'Staff' }],
    meta: { resourceType: 'User', created: '2026-11-23T15:00:00.000Z', lastModified: '2026-11-23T15:00:00.000Z' },
    [ENTERPRISE]: { employeeNumber: '701984', department: 'Tour Operations' },
  };
}

function group(): Record<string, unknown> {
  return {
    schemas: ['urn:ietf:params:scim:schemas:core:2.0:Group'],
    id: 'g-1',
    displayName: 'Staff',
    members: [{ value: 'u-1', display: 'Babs' }, { value: 'u-2' }],
  };
}

const patch = (ops: PatchOp[], resource = user()) => applyPatch(resource, ops, USERS);


describe('applyPatch: add', () => {
  it('sets a single-valued attribute under its canonical name', () => {
    const next = patch([{ op: 'add', path: 'NickName', value: 'Babs' }]);
    expect(next.nickName).toBe('Babs');
    expect(next).not.toHaveProperty('NickName');
  });

  it('appends to a multi-valued attribute and skips exact duplicates', () => {
    const next = patch([
      {
        op: 'add',
        path: 'emails',
        value: [
          { value: 'babs@home.example.org', type: 'home', primary: false },
          { Value: 'b@other.example', Type: 'other' },
        ],
      },
    ]);
    expect(next.emails).toEqual([...(user().emails as unknown[]), { value: 'b@other.example', type: 'other' }]);
  });

  it('wraps a single element added to a multi-valued attribute', () => {
    expect(patch([{ op: 'add', path: 'phoneNumbers', value: { value: '+1 555', type: 'work' } }]).phoneNumbers).toEqual([{ value: '+1 555', type: 'work' }]);
  });

  it('makes an added primary value the only primary one', () => {
    const next = patch([{ op: 'add', path: 'emails', value: [{ value: 'new@example.com', type: 'other', primary: true }] }]);
    expect((next.emails as { primary?: boolean }[]).map((e) => e.primary)).toEqual([false, false, true]);
  });

  it('refuses two primary values in one operation', () => {
    const error = refusal(() =>
      patch([{ op: 'add', path: 'emails', value: [{ value: 'a@x', primary: true }, { value: 'b@x', primary: true }] }]),
    );
    expect(error.scimType).toBe('invalidValue');
    expect(error.detail).toContain('only one emails value may have "primary": true');
  });

  it('merges sub-attributes into a complex attribute', () => {
    const next = patch([{ op: 'add', path: 'name', value: { MiddleName: 'Jane', givenName: 'Babs' } }]);
    expect(next.name).toEqual({ givenName: 'Babs', familyName: 'Jensen', middleName: 'Jane' });
  });

  it('sets a sub-attribute path, creating the parent', () => {
    const next = patch([{ op: 'add', path: 'name.honorificPrefix', value: 'Ms.' }], { ...user(), name: undefined });
    expect(next.name).toEqual({ honorificPrefix: 'Ms.' });
  });

  it('adds a manager (Entra, after compat unwrapped the one-element array)', () => {
    const next = patch([{ op: 'add', path: 'manager', value: { $ref: 'https://h/scim/v2/Users/m-1', value: 'm-1' } }]);
    expect(next[ENTERPRISE]).toEqual({ employeeNumber: '701984', department: 'Tour Operations', manager: { $ref: 'https://h/scim/v2/Users/m-1', value: 'm-1' } });
  });

  it('refuses an array for a single-valued attribute', () => {
    const error = refusal(() => patch([{ op: 'add', path: 'manager', value: [{ value: 'm-1' }] }]));
    expect(error.scimType).toBe('invalidValue');
    expect(error.detail).toBe('Operations[0] (add manager): manager is single-valued; got an array');
  });

  it('creates an extension object and lists its schema', () => {
    const next = patch([{ op: 'add', path: `${DEFAULT_EXTENSION_URN}:creditLimit`, value: 500 }], { schemas: [CORE], id: 'u-1', userName: 'a' });
    expect(next[DEFAULT_EXTENSION_URN]).toEqual({ creditLimit: 500 });
    expect(next.schemas).toEqual([CORE, DEFAULT_EXTENSION_URN]);
  });

  it('sets a sub-attribute of the values a filter selects', () => {
    const next = patch([{ op: 'add', path: 'emails[type eq "home"].display', value: 'Home' }]);
    expect((next.emails as unknown[])[1]).toEqual({ value: 'babs@home.example.org', type: 'home', primary: false, display: 'Home' });
  });

  it('creates the element an equality filter describes when nothing matches (Entra: add roles[primary eq "True"].value)', () => {
    const next = patch([{ op: 'add', path: 'emails[type eq "other"].value', value: 'x@y' }]);
    expect((next.emails as unknown[])[2]).toEqual({ type: 'other', value: 'x@y' });
    const roles = patch([{ op: 'add', path: 'roles[primary eq true].value', value: 'Admin' }]);
    expect(roles.roles).toEqual([{ primary: true, value: 'Admin' }]);
  });

  it('answers noTarget when a filter that is not only equalities selects nothing', () => {
    const error = refusal(() => patch([{ op: 'add', path: 'emails[type co "oth"].value', value: 'x@y' }]));
    expect(error.scimType).toBe('noTarget');
  });

  it('checks value types against the schema', () => {
    expect(refusal(() => patch([{ op: 'add', path: 'active', value: 'False' }])).detail).toBe(
      'Operations[0] (add active) active must be true or false, got "False"',
    );
    expect(refusal(() => patch([{ op: 'add', path: `${DEFAULT_EXTENSION_URN}:creditLimit`, value: '10' }])).scimType).toBe('invalidValue');
    expect(refusal(() => patch([{ op: 'add', path: 'emails', value: ['a@x'] }])).detail).toContain('emails is complex and needs an object');
  });
});

describe('applyPatch: replace', () => {
  it('sets a single-valued attribute', () => {
    expect(patch([{ op: 'replace', path: 'active', value: false }]).active).toBe(false);
  });

  it('replaces all values of a multi-valued attribute', () => {
    expect(patch([{ op: 'replace', path: 'emails', value: [{ value: 'only@x', primary: true }] }]).emails).toEqual([{ value: 'only@x', primary: true }]);
  });

  it("replaces the sub-attribute of the filtered value (Entra's emails[type eq \"work\"].value)", () => {
    const next = patch([{ op: 'replace', path: 'emails[type eq "work"].value', value: 'new@work.example.com' }]);
    expect(next.emails).toEqual([
      { value: 'new@work.example.com', type: 'work', primary: true },
      { value: 'babs@home.example.org', type: 'home', primary: false },
    ]);
  });

  it('replaces the whole filtered value', () => {
    const next = patch([{ op: 'replace', path: 'emails[type eq "home"]', value: { value: 'h@x', type: 'home' } }]);
    expect((next.emails as unknown[])[1]).toEqual({ value: 'h@x', type: 'home' });
  });

  it('moves primary to the value a filtered replace marks primary', () => {
    const next = patch([{ op: 'replace', path: 'emails[type eq "home"].primary', value: true }]);
    expect((next.emails as { primary: boolean }[]).map((e) => e.primary)).toEqual([false, true]);
  });

  it('answers noTarget when the filter selects nothing', () => {
    const error = refusal(() => patch([{ op: 'replace', path: 'emails[type eq "other"].value', value: 'x@y' }]));
    expect(error.status).toBe(400);
    expect(error.scimType).toBe('noTarget');
    expect(error.detail).toBe('Operations[0] (replace emails[type eq "other"].value): no value of emails matches the filter');
  });

  it('merges a complex value, leaving unspecified sub-attributes alone', () => {
    expect(patch([{ op: 'replace', path: 'name', value: { familyName: 'Smith' } }]).name).toEqual({ givenName: 'Barbara', familyName: 'Smith' });
  });

  it('treats null as unassigning the attribute', () => {
    expect(patch([{ op: 'replace', path: 'displayName', value: null }])).not.toHaveProperty('displayName');
  });

  it('applies pathless values with dotted and URN-qualified keys (Entra with aadOptscim062020)', () => {
    const next = patch([
      {
        op: 'replace',
        value: {
          displayName: 'Barbara J',
          'name.givenName': 'Barbie',
          'name.familyName': 'Jensen-Smith',
          [`${ENTERPRISE}:employeeNumber`]: '42',
          'urn:ietf:params:scim:schemas:core:2.0:User:title': 'Guide',
        },
      },
    ]);
    expect(next).toMatchObject({ displayName: 'Barbara J', title: 'Guide', name: { givenName: 'Barbie', familyName: 'Jensen-Smith' } });
    expect(next[ENTERPRISE]).toEqual({ employeeNumber: '42', department: 'Tour Operations' });
  });

  it('applies a pathless value keyed by an extension URN', () => {
    const next = patch([{ op: 'replace', value: { [ENTERPRISE.toLowerCase()]: { Department: 'Sales', manager: { value: 'm-2' } } } }]);
    expect(next[ENTERPRISE]).toEqual({ employeeNumber: '701984', department: 'Sales', manager: { value: 'm-2' } });
  });

  it('deactivates with a pathless value (Okta)', () => {
    expect(patch([{ op: 'replace', value: { active: false } }]).active).toBe(false);
  });

  it("accepts Okta's group rename that re-sends the unchanged id", () => {
    const next = applyPatch(group(), [{ op: 'replace', value: { id: 'g-1', displayName: 'Everyone' } }], GROUPS);
    expect(next).toMatchObject({ id: 'g-1', displayName: 'Everyone' });
  });

  it('refuses to change read-only attributes', () => {
    const changeId = refusal(() => applyPatch(group(), [{ op: 'replace', value: { id: 'g-2', displayName: 'Everyone' } }], GROUPS));
    expect(changeId.scimType).toBe('mutability');
    expect(changeId.detail).toBe('Operations[0] (replace): id is read-only');
    expect(refusal(() => patch([{ op: 'add', path: 'groups', value: [{ value: 'g-9' }] }])).scimType).toBe('mutability');
    expect(refusal(() => patch([{ op: 'replace', path: 'meta.lastModified', value: '2030-01-01T00:00:00Z' }])).scimType).toBe('mutability');
    expect(refusal(() => patch([{ op: 'replace', path: 'manager.displayName', value: 'Boss' }])).detail).toContain('manager.displayName is read-only');
  });

  it('ignores a schemas key in a pathless value', () => {
    expect(patch([{ op: 'replace', value: { schemas: ['x'], title: 'T' } }]).schemas).toEqual([CORE, ENTERPRISE]);
  });

  it('refuses unknown attributes and sub-attributes', () => {
    expect(refusal(() => patch([{ op: 'replace', path: 'shoeSize', value: 1 }])).detail).toBe('Operations[0] (replace shoeSize): unknown attribute shoeSize');
    expect(refusal(() => patch([{ op: 'replace', path: 'name.nick', value: 'x' }])).scimType).toBe('invalidPath');
    expect(refusal(() => patch([{ op: 'replace', path: 'urn:unknown:2.0:User:role', value: 'x' }])).scimType).toBe('invalidPath');
    expect(refusal(() => patch([{ op: 'replace', path: 'title[value eq "x"]', value: 'x' }])).detail).toContain('title is single-valued');
  });

  it('sets a sub-attribute on every value when no filter is given, and needs values to exist', () => {
    expect((patch([{ op: 'replace', path: 'emails.type', value: 'other' }]).emails as { type: string }[]).map((e) => e.type)).toEqual(['other', 'other']);
    expect(refusal(() => patch([{ op: 'replace', path: 'phoneNumbers.type', value: 'work' }])).scimType).toBe('noTarget');
  });

  it('sets the workspace role attribute', () => {
    const next = patch([{ op: 'replace', path: `${DEFAULT_EXTENSION_URN}:Role`, value: 'admin' }]);
    expect(next[DEFAULT_EXTENSION_URN]).toEqual({ role: 'admin' });
  });
});

describe('applyPatch: remove', () => {
  it('removes a single-valued attribute', () => {
    expect(patch([{ op: 'remove', path: 'displayName' }])).not.toHaveProperty('displayName');
  });

  it('removes a sub-attribute, and the parent when it becomes empty', () => {
    expect(patch([{ op: 'remove', path: 'name.givenName' }]).name).toEqual({ familyName: 'Jensen' });
    expect(patch([{ op: 'remove', path: 'name.givenName' }, { op: 'remove', path: 'name.familyName' }])).not.toHaveProperty('name');
  });

  it('removes the values a filter selects, and the attribute when none remain', () => {
    expect(patch([{ op: 'remove', path: 'emails[type eq "work"]' }]).emails).toEqual([{ value: 'babs@home.example.org', type: 'home', primary: false }]);
    expect(patch([{ op: 'remove', path: 'emails[value ew "example.com" or type eq "home"]' }])).not.toHaveProperty('emails');
  });

  it('removes a sub-attribute of filtered values', () => {
    expect((patch([{ op: 'remove', path: 'emails[type eq "home"].primary' }]).emails as unknown[])[1]).toEqual({ value: 'babs@home.example.org', type: 'home' });
  });

  it('removes a member by filter (Entra with the flag, Okta)', () => {
    const next = applyPatch(group(), [{ op: 'remove', path: 'members[value eq "u-1"]' }], GROUPS);
    expect(next.members).toEqual([{ value: 'u-2' }]);
  });

  it('removes only the listed members when the remove carries a value', () => {
    const next = applyPatch(group(), [{ op: 'remove', path: 'members', value: [{ value: 'u-2', $ref: null }] }], GROUPS);
    expect(next.members).toEqual([{ value: 'u-1', display: 'Babs' }]);
  });

  it('removes all members without a value', () => {
    expect(applyPatch(group(), [{ op: 'remove', path: 'members' }], GROUPS)).not.toHaveProperty('members');
  });

  it('answers noTarget for a filter that selects nothing and for a missing path', () => {
    expect(refusal(() => applyPatch(group(), [{ op: 'remove', path: 'members[value eq "u-9"]' }], GROUPS)).scimType).toBe('noTarget');
    expect(refusal(() => patch([{ op: 'remove' }])).detail).toBe('Operations[0] (remove): remove needs a path naming what to remove');
  });

  it('refuses to remove required attributes', () => {
    expect(refusal(() => patch([{ op: 'remove', path: 'userName' }])).detail).toBe('Operations[0] (remove userName): userName is required and cannot be removed');
    expect(refusal(() => applyPatch(group(), [{ op: 'replace', path: 'displayName', value: null }], GROUPS)).scimType).toBe('mutability');
  });

  it('refuses to remove read-only attributes but ignores absent ones', () => {
    expect(refusal(() => patch([{ op: 'remove', path: 'groups' }])).scimType).toBe('mutability');
    expect(patch([{ op: 'remove', path: 'groups' }], { ...user(), groups: undefined })).toEqual({ ...user(), groups: undefined });
  });

  it('removes an extension attribute, and the extension when it becomes empty', () => {
    const first = patch([{ op: 'remove', path: `${ENTERPRISE}:department` }]);
    expect(first[ENTERPRISE]).toEqual({ employeeNumber: '701984' });
    const both = patch([{ op: 'remove', path: `${ENTERPRISE}:department` }, { op: 'remove', path: 'employeeNumber' }]);
    expect(both).not.toHaveProperty(ENTERPRISE);
    expect(both.schemas).toEqual([CORE]);
  });

  it('removes a whole extension by its URN', () => {
    const next = patch([{ op: 'remove', path: ENTERPRISE }]);
    expect(next).not.toHaveProperty(ENTERPRISE);
  });
});

describe('applyPatch: members (correctness; the routes take a faster path)', () => {
  it('adds members without duplicating an existing one re-sent with display (Okta)', () => {
    const next = applyPatch(group(), [{ op: 'add', path: 'members', value: [{ value: 'u-1', display: 'Babs J' }, { value: 'u-3', display: 'Kim' }] }], GROUPS);
    expect(next.members).toEqual([{ value: 'u-1', display: 'Babs' }, { value: 'u-2' }, { value: 'u-3', display: 'Kim' }]);
  });

  it('drops null sub-attributes Entra sends', () => {
    const next = applyPatch(group(), [{ op: 'add', path: 'members', value: [{ $ref: null, value: 'u-4' }] }], GROUPS);
    expect((next.members as unknown[]).at(-1)).toEqual({ value: 'u-4' });
  });

  it('replaces the member list', () => {
    expect(applyPatch(group(), [{ op: 'replace', path: 'members', value: [{ value: 'u-9' }] }], GROUPS).members).toEqual([{ value: 'u-9' }]);
  });

  it('refuses to edit the immutable value of a member in place', () => {
    expect(refusal(() => applyPatch(group(), [{ op: 'replace', path: 'members[value eq "u-2"].value', value: 'u-3' }], GROUPS)).scimType).toBe('mutability');
  });
});

describe('applyPatch: purity and ordering', () => {
  it('does not mutate its input', () => {
    const input = user();
    const snapshot = structuredClone(input);
    patch([{ op: 'replace', path: 'emails[type eq "work"].value', value: 'x@y' }, { op: 'remove', path: 'name.givenName' }], input);
    expect(input).toEqual(snapshot);
  });

  it('applies operations in order, each seeing the previous result', () => {
    const next = patch([
      { op: 'add', path: 'emails', value: [{ value: 'o@x', type: 'other' }] },
      { op: 'replace', path: 'emails[type eq "other"].value', value: 'p@x' },
      { op: 'remove', path: 'emails[type eq "home"]' },
    ]);
    expect((next.emails as { value: string }[]).map((e) => e.value)).toEqual(['babs@work.example.com', 'p@x']);
  });

  it('leaves nothing half-applied: a failing operation fails the whole patch', () => {
    const input = user();
    expect(() => patch([{ op: 'replace', path: 'title', value: 'T' }, { op: 'remove', path: 'userName' }], input)).toThrow(ScimError);
    expect(input).not.toHaveProperty('title');
  });
});
