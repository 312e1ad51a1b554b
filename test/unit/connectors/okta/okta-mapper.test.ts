import { describe, expect, it } from 'vitest';
import { bindingMappingSchema, type BindingMapping } from '../../../../src/connector/binding-mapping.js';
import {
  asNumber,
  isActiveUserStatus,
  memberFromAppUser,
  memberFromGroupOnlyUser,
  readPath,
  roleValues,
  type GroupAssignmentRef,
  type OktaAppUserLike,
} from '../../../../connectors/okta/okta-mapper.js';

const mapping = (input: Partial<BindingMapping> = {}) => bindingMappingSchema.parse(input);

/** Shaped like the spec example AppUserListEx with expand=user. */
function appUser(overrides: Partial<OktaAppUserLike> = {}, user: Record<string, unknown> = {}): OktaAppUserLike {
  return {
    id: '00u1dnq5S0CfjlkpABCD',
    scope: 'USER',
    status: 'PROVISIONED',
    credentials: { userName: 'saml.test@example.com' },
    profile: { email: 'saml.test@example.com', firstName: 'Saml', lastName: 'Test', role: 'Tester', creditLimit: 1000, seatType: 'full' },
    _embedded: {
      user: {
        id: '00u1dnq5S0CfjlkpABCD',
        status: 'ACTIVE',
        profile: { login: 'saml.test@example.com', email: 'saml.test@example.com', firstName: 'Saml', lastName: 'Test', department: 'R&D', preferredLanguage: 'de' },
        ...user,
      },
    },
    ...overrides,
  };
}

const group = (groupId: string, role: unknown, priority = 0, extra: Record<string, unknown> = {}): GroupAssignmentRef => ({ groupId, groupName: `name-${groupId}`, priority, profile: { role, ...extra } });

describe('memberFromAppUser', () => {
  it('keys on AppUser.id, never AppUser.externalId, and takes the defaults', () => {
    const member = memberFromAppUser({ ...appUser(), externalId: '00u5edt3PNbbjzvIABCD' } as OktaAppUserLike, [], mapping());
    expect(member).toEqual({
      externalId: '00u1dnq5S0CfjlkpABCD',
      userName: 'saml.test@example.com',
      active: true,
      displayName: null,
      givenName: 'Saml',
      familyName: 'Test',
      emails: [{ value: 'saml.test@example.com', type: 'work', primary: true }],
      roles: ['Tester'],
      creditLimit: 1000,
      seatType: 'full',
      attributes: {},
      grants: [{ via: 'direct', appRole: 'Tester' }],
    });
  });

  it('maps attributes from app-user, Okta-user and bare paths, and overrides name fields', () => {
    const member = memberFromAppUser(
      appUser(),
      [],
      mapping({
        userName: 'user.profile.email',
        attributes: { department: 'user.profile.department', locale: 'preferredLanguage', title: 'profile.missing', displayName: 'profile.email' },
      }),
    );
    expect(member.userName).toBe('saml.test@example.com');
    expect(member.attributes).toEqual({ department: 'R&D', locale: 'de', title: null });
    expect(member.displayName).toBe('saml.test@example.com');
  });

  it('reads creditLimit from any mapped path, numbers or numeric strings only', () => {
    expect(memberFromAppUser(appUser({ profile: { creditLimit: '250.5' } }), [], mapping()).creditLimit).toBe(250.5);
    expect(memberFromAppUser(appUser({ profile: { creditLimit: 'lots' } }), [], mapping()).creditLimit).toBeNull();
    expect(memberFromAppUser(appUser({}, { profile: { costCenter: '42' } }), [], mapping({ creditLimit: 'user.profile.costCenter' })).creditLimit).toBe(42);
    expect(asNumber(Number.NaN)).toBeNull();
  });

  it('derives active from the Okta user status', () => {
    for (const status of ['ACTIVE', 'PROVISIONED', 'RECOVERY', 'PASSWORD_EXPIRED', 'LOCKED_OUT']) expect(isActiveUserStatus(status)).toBe(true);
    for (const status of ['SUSPENDED', 'DEPROVISIONED', 'STAGED', undefined]) expect(isActiveUserStatus(status)).toBe(false);
    expect(memberFromAppUser(appUser({}, { status: 'SUSPENDED' }), [], mapping()).active).toBe(false);
    // Without expand=user only the app-user status is known.
    expect(memberFromAppUser(appUser({ _embedded: {} }), [], mapping()).active).toBe(true);
    expect(memberFromAppUser(appUser({ _embedded: {}, status: 'INACTIVE' }), [], mapping()).active).toBe(false);
  });

  it('grants: direct for scope USER plus each assigned group with its own role', () => {
    const member = memberFromAppUser(appUser({ profile: { role: 'admin' } }), [group('00gA', 'editor'), group('00gB', 'viewer', 1)], mapping({ roles: 'all' }));
    expect(member.grants).toEqual([
      { via: 'direct', appRole: 'admin' },
      { via: 'group', groupId: '00gA', groupName: 'name-00gA', appRole: 'editor' },
      { via: 'group', groupId: '00gB', groupName: 'name-00gB', appRole: 'viewer' },
    ]);
    expect(member.roles).toEqual(['admin', 'editor', 'viewer']);
    expect(memberFromAppUser(appUser({ profile: { role: 'viewer' } }), [group('00gA', 'editor')], mapping()).roles).toEqual(['editor']);
  });

  it('scope GROUP takes its grants from the groups, or from the merged profile when the groups are unknown', () => {
    expect(memberFromAppUser(appUser({ scope: 'GROUP', profile: { role: 'editor' } }), [group('00gA', 'editor')], mapping()).grants).toEqual([
      { via: 'group', groupId: '00gA', groupName: 'name-00gA', appRole: 'editor' },
    ]);
    expect(memberFromAppUser(appUser({ scope: 'GROUP', profile: { role: 'editor' } }), [], mapping()).grants).toEqual([{ via: 'group', appRole: 'editor' }]);
  });

  it('multi-valued roles and the value map resolve like push', () => {
    const m = mapping({ roleValueMap: { Owner: 'admin', Member: 'viewer' }, rolePrecedence: ['admin', 'editor', 'viewer'] });
    expect(memberFromAppUser(appUser({ profile: { role: ['Member', 'Owner'] } }), [], m).roles).toEqual(['admin']);
    expect(memberFromAppUser(appUser({ profile: { role: ['Member', 'Owner'] } }), [], { ...m, roles: 'all' }).roles).toEqual(['viewer', 'admin']);
    expect(roleValues({ roles: ['a', ''] })).toEqual(['a']);
  });

  it('no role attribute is a default-access grant that the mapping may map', () => {
    expect(memberFromAppUser(appUser({ profile: {} }), [], mapping()).roles).toEqual([]);
    const member = memberFromAppUser(appUser({ profile: {} }), [], mapping({ defaultAccessRole: 'viewer' }));
    expect(member.roles).toEqual(['viewer']);
    expect(member.grants).toEqual([{ via: 'direct', appRole: null }]);
  });

  it('falls back from credentials.userName to the login, then to the id', () => {
    expect(memberFromAppUser(appUser({ credentials: {} }), [], mapping()).userName).toBe('saml.test@example.com');
    expect(memberFromAppUser(appUser({ credentials: {}, _embedded: {} }), [], mapping()).userName).toBe('00u1dnq5S0CfjlkpABCD');
    expect(memberFromAppUser(appUser(), [], mapping({ userName: 'profile.nothing' })).userName).toBe('saml.test@example.com');
  });

  it('refuses an app user without an id', () => {
    expect(() => memberFromAppUser(appUser({ id: undefined }), [], mapping())).toThrow(/without an id/);
  });
});

describe('memberFromGroupOnlyUser', () => {
  it('builds the member Okta will list: scope GROUP, highest-priority group profile, login as username', () => {
    const user = { id: '00uX', status: 'ACTIVE', profile: { login: 'x@example.test', email: 'x@example.test', firstName: 'X' } };
    const member = memberFromGroupOnlyUser(user, [group('00gLow', 'viewer', 5, { creditLimit: 1 }), group('00gHigh', 'admin', 0, { creditLimit: 99 })], mapping({ roles: 'all' }));
    expect(member).toMatchObject({ externalId: '00uX', userName: 'x@example.test', givenName: 'X', creditLimit: 99, active: true });
    expect(member.roles).toEqual(['viewer', 'admin']);
    expect(member.grants.every((g) => g.via === 'group')).toBe(true);
  });
});

describe('readPath', () => {
  it('reads the app user, the embedded user, and bare names from the user profile', () => {
    const au = appUser();
    expect(readPath(au, 'credentials.userName')).toBe('saml.test@example.com');
    expect(readPath(au, 'profile.role')).toBe('Tester');
    expect(readPath(au, 'user.status')).toBe('ACTIVE');
    expect(readPath(au, 'department')).toBe('R&D');
    expect(readPath(au, 'profile.role.deeper')).toBeUndefined();
  });
});
