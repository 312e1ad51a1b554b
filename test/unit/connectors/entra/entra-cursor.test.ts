import { describe, expect, it } from 'vitest';
import { AssignmentIndex } from '../../../../connectors/entra/entra-assignments.js';
import { decodeCursor, encodeCursor, grantsFingerprint } from '../../../../connectors/entra/entra-cursor.js';
import type { EntraGrant } from '../../../../connectors/entra/entra-mapper.js';

const ROLE = 'role-1';

describe('the Entra cursor', () => {
  it('round-trips the delta link, the $select and who was assigned', () => {
    const assigned = new Map(Array.from({ length: 1000 }, (_, n) => [`user-${n}`, `fp${n % 7}`] as const));
    const text = encodeCursor({ deltaLink: 'https://graph/users/delta?$deltatoken=abc', select: 'id,mail', assigned });
    expect(text.startsWith('entra1.')).toBe(true);
    expect(decodeCursor(text)).toEqual({ deltaLink: 'https://graph/users/delta?$deltatoken=abc', select: 'id,mail', assigned });
  });

  it('is null for anything it did not write', () => {
    expect(decodeCursor('okta1.abc')).toBeNull();
    expect(decodeCursor('entra1.not-deflate')).toBeNull();
  });
});

describe('grantsFingerprint', () => {
  const index = () => {
    const built = new AssignmentIndex();
    built.add({ principalId: 'u1', principalType: 'User', appRoleId: ROLE });
    built.add({ principalId: 'u2', principalType: 'User', appRoleId: ROLE });
    return built;
  };

  it('gives a shared grant one fingerprint, equal to that of an identical grant not shared', () => {
    const catalogue = new Map([[ROLE, 'Editor']]);
    const { grants } = index();
    const shared = grantsFingerprint(grants.get('u1')!, catalogue);
    expect(grantsFingerprint(grants.get('u2')!, catalogue)).toBe(shared);
    const unshared: EntraGrant = { via: 'direct', appRoleId: ROLE };
    expect(grantsFingerprint([unshared], catalogue)).toBe(shared);
  });

  it('changes when the role value behind the grant is renamed (a new catalogue)', () => {
    const { grants } = index();
    const before = grantsFingerprint(grants.get('u1')!, new Map([[ROLE, 'Editor']]));
    const after = grantsFingerprint(grants.get('u1')!, new Map([[ROLE, 'Admin']]));
    expect(after).not.toBe(before);
  });

  it('does not depend on the order of several grants', () => {
    const catalogue = new Map([[ROLE, 'Editor'], ['role-2', 'Admin']]);
    const a: EntraGrant = { via: 'direct', appRoleId: ROLE };
    const b: EntraGrant = { via: 'group', groupId: 'g1', groupName: 'Sales', appRoleId: 'role-2' };
    expect(grantsFingerprint([a, b], catalogue)).toBe(grantsFingerprint([b, a], catalogue));
    expect(grantsFingerprint([a, b], catalogue)).not.toBe(grantsFingerprint([a], catalogue));
  });
});
