import { describe, expect, it } from 'vitest';
import { bindingMappingSchema } from '../../../../src/connector/binding-mapping.js';
import {
  appRoleCatalogue,
  DEFAULT_ACCESS_ROLE_ID,
  type EntraGrant,
  type GraphUserObject,
  mapEntraUser,
  readPath,
  userSelect,
} from '../../../../connectors/entra/entra-mapper.js';

const ADMIN = 'a1b2c3d4-0000-4000-8000-000000000001';
const EDITOR = 'a1b2c3d4-0000-4000-8000-000000000002';
const NO_VALUE = 'a1b2c3d4-0000-4000-8000-000000000003';

const catalogue = appRoleCatalogue([
  { id: ADMIN, value: 'Admin', displayName: 'Administrator', isEnabled: true },
  { id: EDITOR, value: 'editor', displayName: 'Editor', isEnabled: false },
  { id: NO_VALUE, value: null, displayName: 'viewer' },
]);

const mapping = (overrides: object = {}) => bindingMappingSchema.parse(overrides);

const alice: GraphUserObject = {
  id: 'cdb555e3-b33e-4fd5-a427-17fadacbdfa7',
  userPrincipalName: 'alice@contoso.com',
  mail: 'alice.adams@contoso.com',
  givenName: 'Alice',
  surname: 'Adams',
  displayName: 'Alice Adams',
  accountEnabled: true,
  preferredLanguage: 'en-US',
  department: 'Finance',
  jobTitle: 'Controller',
  onPremisesExtensionAttributes: { extensionAttribute1: '250', extensionAttribute2: null },
};

const direct = (appRoleId: string): EntraGrant => ({ via: 'direct', appRoleId });

describe('appRoleCatalogue', () => {
  it('maps role ids to values, falls back to displayName, keeps disabled roles and adds default access', () => {
    expect(catalogue.get(ADMIN)).toBe('Admin');
    expect(catalogue.get(EDITOR)).toBe('editor');
    expect(catalogue.get(NO_VALUE)).toBe('viewer');
    expect(catalogue.has(DEFAULT_ACCESS_ROLE_ID)).toBe(true);
    expect(catalogue.get(DEFAULT_ACCESS_ROLE_ID)).toBeNull();
  });
});

describe('userSelect', () => {
  it('selects the base properties plus the top-level property of each mapped path, sorted', () => {
    const select = userSelect(mapping({ creditLimit: 'onPremisesExtensionAttributes.extensionAttribute1', attributes: { department: 'department', locale: 'preferredLanguage' } }));
    expect(select).toEqual([...select].sort());
    expect(select).toEqual(expect.arrayContaining(['id', 'userPrincipalName', 'mail', 'accountEnabled', 'onPremisesExtensionAttributes', 'department', 'preferredLanguage']));
    expect(select.some((p) => p.includes('.'))).toBe(false);
  });
});

describe('readPath', () => {
  it('reads dotted paths and gives undefined for missing ones', () => {
    expect(readPath(alice, 'onPremisesExtensionAttributes.extensionAttribute1')).toBe('250');
    expect(readPath(alice, 'onPremisesExtensionAttributes.extensionAttribute9')).toBeUndefined();
    expect(readPath(alice, 'department.name')).toBeUndefined();
  });
});

describe('mapEntraUser', () => {
  it('maps the profile with the default mapping', () => {
    const { member, problems } = mapEntraUser(alice, [direct(ADMIN)], catalogue, mapping());
    expect(problems).toEqual([]);
    expect(member).toEqual({
      externalId: alice.id,
      userName: 'alice@contoso.com',
      active: true,
      displayName: 'Alice Adams',
      givenName: 'Alice',
      familyName: 'Adams',
      emails: [{ value: 'alice.adams@contoso.com', type: 'work', primary: true }],
      roles: ['admin'],
      creditLimit: null,
      seatType: null,
      attributes: {},
      grants: [{ via: 'direct', appRole: 'Admin' }],
    });
  });

  it('takes userName from mail when mapped, and falls back to the UPN with a problem when mail is empty', () => {
    expect(mapEntraUser(alice, [], catalogue, mapping({ userName: 'mail' })).member.userName).toBe('alice.adams@contoso.com');
    const noMail = mapEntraUser({ ...alice, mail: null }, [], catalogue, mapping({ userName: 'mail' }));
    expect(noMail.member.userName).toBe('alice@contoso.com');
    expect(noMail.member.emails).toEqual([]);
    expect(noMail.problems[0]).toMatch(/userName source mail is empty/);
  });

  it('reads creditLimit from an extension attribute as a non-negative whole number', () => {
    const m = mapping({ creditLimit: 'onPremisesExtensionAttributes.extensionAttribute1' });
    expect(mapEntraUser(alice, [], catalogue, m).member.creditLimit).toBe(250);
    const withExt = (value: unknown) => ({ ...alice, onPremisesExtensionAttributes: { extensionAttribute1: value } });
    expect(mapEntraUser(withExt(' 42 '), [], catalogue, m).member.creditLimit).toBe(42);
    expect(mapEntraUser(withExt(0), [], catalogue, m).member.creditLimit).toBe(0);
    for (const unset of [null, '', undefined]) {
      const r = mapEntraUser(withExt(unset), [], catalogue, m);
      expect(r.member.creditLimit).toBeNull();
      expect(r.problems).toEqual([]);
    }
    for (const bad of ['lots', '-5', '2.5', '1e3', 99999999999999999999]) {
      const r = mapEntraUser(withExt(bad), [], catalogue, m);
      expect(r.member.creditLimit).toBeNull();
      expect(r.problems).toHaveLength(1);
      expect(r.problems[0]).toMatch(/creditLimit source onPremisesExtensionAttributes\.extensionAttribute1/);
      expect(r.problems[0]).toContain(alice.id);
    }
  });

  it('maps attributes and seatType from paths; missing values are null', () => {
    const m = mapping({ seatType: 'jobTitle', attributes: { department: 'department', locale: 'preferredLanguage', costCenter: 'onPremisesExtensionAttributes.extensionAttribute2', title: 'missing' } });
    const { member } = mapEntraUser(alice, [], catalogue, m);
    expect(member.seatType).toBe('Controller');
    expect(member.attributes).toEqual({ department: 'Finance', locale: 'en-US', costCenter: null, title: null });
  });

  it('maps accountEnabled to active', () => {
    expect(mapEntraUser({ ...alice, accountEnabled: false }, [], catalogue, mapping()).member.active).toBe(false);
    expect(mapEntraUser({ ...alice, accountEnabled: undefined }, [], catalogue, mapping()).member.active).toBe(true);
  });

  it('resolves several roles by precedence or keeps them all, with the workspace value map', () => {
    const grants: EntraGrant[] = [direct(NO_VALUE), { via: 'group', groupId: 'g1', groupName: 'Editors', appRoleId: EDITOR }, direct(ADMIN)];
    expect(mapEntraUser(alice, grants, catalogue, mapping()).member.roles).toEqual(['admin']);
    expect(mapEntraUser(alice, grants, catalogue, mapping({ roles: 'all' })).member.roles.sort()).toEqual(['admin', 'editor', 'viewer']);
    expect(mapEntraUser(alice, grants, catalogue, mapping({ rolePrecedence: ['editor', 'admin', 'viewer'] })).member.roles).toEqual(['editor']);
    const valueMap = mapping({ roleValueMap: { Admin: 'viewer' }, roles: 'all' });
    expect(mapEntraUser(alice, [direct(ADMIN)], catalogue, valueMap).member.roles).toEqual(['viewer']);
  });

  it('maps the default access role to defaultAccessRole, or to no role', () => {
    const grants = [direct(DEFAULT_ACCESS_ROLE_ID)];
    const none = mapEntraUser(alice, grants, catalogue, mapping());
    expect(none.member.roles).toEqual([]);
    expect(none.member.grants).toEqual([{ via: 'direct', appRole: null }]);
    expect(mapEntraUser(alice, grants, catalogue, mapping({ defaultAccessRole: 'viewer' })).member.roles).toEqual(['viewer']);
  });

  it('keeps every grant with its group, merging exact duplicates', () => {
    const grants: EntraGrant[] = [direct(ADMIN), direct(ADMIN), { via: 'group', groupId: 'g1', groupName: 'Editors', appRoleId: EDITOR }, { via: 'group', groupId: 'g2', appRoleId: EDITOR }];
    expect(mapEntraUser(alice, grants, catalogue, mapping()).member.grants).toEqual([
      { via: 'direct', appRole: 'Admin' },
      { via: 'group', groupId: 'g1', groupName: 'Editors', appRole: 'editor' },
      { via: 'group', groupId: 'g2', appRole: 'editor' },
    ]);
  });

  it('reports a grant of an app role that is no longer in the catalogue and gives it no role', () => {
    const gone = 'deadbeef-0000-4000-8000-000000000000';
    const { member, problems } = mapEntraUser(alice, [direct(gone), direct(EDITOR)], catalogue, mapping());
    expect(member.roles).toEqual(['editor']);
    expect(member.grants).toContainEqual({ via: 'direct', appRole: gone });
    expect(problems[0]).toMatch(/not in the application's appRoles/);
  });
});
