import { deflateRawSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { AssignmentIndex } from '../../../../connectors/entra/entra-assignments.js';
import { decodeCursor, encodeCursor, grantsFingerprint } from '../../../../connectors/entra/entra-cursor.js';
import type { EntraGrant } from '../../../../connectors/entra/entra-mapper.js';

const ROLE = 'role-1';

describe('the Entra cursor', () => {
  it('round-trips the delta link, the $select and who was assigned', () => {
    const assigned = new Map(Array.from({ length: 1000 }, (_, n) => [`user-${n}`, `fp${n % 7}`] as const));
    const text = encodeCursor({ deltaLink: 'https://graph/users/delta?$deltatoken=abc', select: 'id,mail', assigned });
    expect(text.startsWith('entra2.')).toBe(true);
    expect(decodeCursor(text)).toEqual({ deltaLink: 'https://graph/users/delta?$deltatoken=abc', select: 'id,mail', assigned });
    // Users are grouped by fingerprint: seven groups, each fingerprint written once.
    expect(text.match(/fp\d/g)).toHaveLength(7);
  });

  it('writes the same cursor from a one-pass sequence of pairs as from a map', () => {
    const assigned = new Map(Array.from({ length: 500 }, (_, n) => [`user-${n}`, `fp${n % 3}`] as const));
    function* pairs() {
      yield* assigned;
    }
    expect(encodeCursor({ deltaLink: 'l', select: 's', assigned: pairs() })).toBe(encodeCursor({ deltaLink: 'l', select: 's', assigned }));
  });

  it('round-trips nobody assigned, and ids with commas, colons and quotes', () => {
    const assigned = new Map([['a,b:c"d', 'fp1']]);
    expect(decodeCursor(encodeCursor({ deltaLink: 'l', select: 's', assigned: new Map() }))?.assigned.size).toBe(0);
    expect(decodeCursor(encodeCursor({ deltaLink: 'l', select: 's', assigned }))?.assigned).toEqual(assigned);
  });

  it('still reads the deflated cursors of earlier versions, so an upgrade needs no full snapshot', () => {
    const json = JSON.stringify({ d: 'https://graph/users/delta?$deltatoken=old', s: 'id,mail', a: 'user-1:fpA,user-2:fpB' });
    const old = `entra1.${deflateRawSync(Buffer.from(json)).toString('base64url')}`;
    expect(decodeCursor(old)).toEqual({ deltaLink: 'https://graph/users/delta?$deltatoken=old', select: 'id,mail', assigned: new Map([['user-1', 'fpA'], ['user-2', 'fpB']]) });
  });

  it('is null for anything it did not write', () => {
    expect(decodeCursor('okta1.abc')).toBeNull();
    expect(decodeCursor('entra1.not-deflate')).toBeNull();
    expect(decodeCursor('entra2.{not json')).toBeNull();
    expect(decodeCursor('entra2.{"d":"l","s":"s","a":[["fp",[1]]]}')).toBeNull();
    expect(decodeCursor('entra2.{"d":"l","s":"s","a":"user-1:fp"}')).toBeNull();
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
