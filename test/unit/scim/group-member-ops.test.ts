import { describe, expect, it } from 'vitest';
import { applyMemberChanges, applyMemberOps, checkGroupMembers, compileMemberOps, namedMembers, memberValuesOfBody, memberValuesOfPatch, membersChanged, splitMemberOps } from '../../../src/scim/group-member-ops.js';
import { ScimError } from '../../../src/scim/scim-error.js';
import { refusal } from '../../support/refusal.js';


describe('group member operations', () => {
  it('splits members operations (with a path, or inside a pathless value) from the rest', () => {
    const { memberOps, otherOps } = splitMemberOps([
      { op: 'replace', value: { displayName: 'New', members: [{ value: 'a' }] } },
      { op: 'add', path: 'members', value: [{ value: 'b' }] },
      { op: 'replace', path: 'displayName', value: 'X' },
    ]);
    expect(memberOps).toEqual([
      { op: 'replace', path: 'members', value: [{ value: 'a' }] },
      { op: 'add', path: 'members', value: [{ value: 'b' }] },
    ]);
    expect(otherOps).toEqual([{ op: 'replace', value: { displayName: 'New' } }, { op: 'replace', path: 'displayName', value: 'X' }]);
  });
  it('applies add, filtered remove, value-list remove and replace in order', () => {
    const next = applyMemberOps(new Set(['a', 'b', 'c']), [
      { op: 'add', path: 'members', value: [{ value: 'd' }, { value: 'a' }] },
      { op: 'remove', path: 'members[value eq "b"]' },
      { op: 'remove', path: 'members', value: [{ value: 'c' }] },
    ]);
    expect([...next].sort()).toEqual(['a', 'd']);
    expect([...applyMemberOps(new Set(['a']), [{ op: 'replace', path: 'members', value: [{ value: 'z' }] }])]).toEqual(['z']);
    expect(applyMemberOps(new Set(['a']), [{ op: 'remove', path: 'members' }]).size).toBe(0);
  });
  it('treats removing an absent member as done (IdP retries are idempotent)', () => {
    expect([...applyMemberOps(new Set(['a']), [{ op: 'remove', path: 'members[value eq "zz"]' }])]).toEqual(['a']);
  });
  it('handles 10,000 members as a set, not a loop of filters', () => {
    const ids = Array.from({ length: 10_000 }, (_, i) => `u${i}`);
    const added = applyMemberOps(new Set(), [{ op: 'add', path: 'members', value: ids.map((value) => ({ value })) }]);
    const removed = applyMemberOps(added, ids.slice(0, 5_000).map((id) => ({ op: 'remove' as const, path: `members[value eq "${id}"]` })));
    expect(removed.size).toBe(5_000);
  });
  it('refuses a member without an id and in-place member edits', () => {
    expect(() => applyMemberOps(new Set(), [{ op: 'add', path: 'members', value: [{ display: 'x' }] }])).toThrow(/value\[0\] must be an object with the member's id/);
    expect(() => applyMemberOps(new Set(['a']), [{ op: 'replace', path: 'members[value eq "a"].display', value: 'x' }])).toThrow(/not edited in place/);
  });
  it('removes members named by an or of id equalities', () => {
    expect([...applyMemberOps(new Set(['a', 'b', 'c']), [{ op: 'remove', path: 'members[value eq "a" or value eq "c"]' }])]).toEqual(['b']);
  });
  it.each(['members[value co "a"]', 'members[value sw "a"]', 'members[value gt "a"]', 'members[not (value eq "a")]', 'members[display eq "Babs"]', 'members[value eq "a" and value eq "a"]', 'members[value pr]'])(
    'refuses %s, which would test every member, with invalidFilter naming what is supported',
    (path) => {
      const error = refusal(() => compileMemberOps([{ op: 'remove', path }]));
      expect(error.status).toBe(400);
      expect(error.scimType).toBe('invalidFilter');
      expect(error.detail).toContain('members[value eq "<user id>"]');
    },
  );
  it('names the members that adds and removes touch, so that only they are read; a replace or clear needs them all', () => {
    const adds = compileMemberOps([
      { op: 'add', path: 'members', value: [{ value: 'a' }, { value: 'b' }] },
      { op: 'remove', path: 'members[value eq "c"]' },
    ]);
    expect(namedMembers(adds)).toEqual(new Set(['a', 'b', 'c']));
    // Among the named ids, the same changes as over the whole group: b was a member, c was one and goes.
    expect(applyMemberChanges(new Set(['b', 'c']), adds)).toEqual(new Set(['a', 'b']));
    expect(namedMembers(compileMemberOps([{ op: 'replace', path: 'members', value: [{ value: 'a' }] }]))).toBeNull();
    expect(namedMembers(compileMemberOps([{ op: 'remove', path: 'members' }]))).toBeNull();
  });

  it('checks every operation before applying any', () => {
    expect(() => compileMemberOps([{ op: 'add', path: 'members', value: [{ value: 'a' }] }, { op: 'remove', path: 'members[value co "x"]' }])).toThrow(ScimError);
  });
  it('counts the member values a PATCH names, as sent, in any case', () => {
    const body = {
      schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'],
      Operations: [
        { op: 'Add', path: 'members', value: [{ value: 'a' }, { value: 'b' }] },
        { OP: 'remove', PATH: 'members[value eq "c"]' },
        { op: 'remove', path: 'urn:ietf:params:scim:schemas:core:2.0:Group:members', value: [{ value: 'd' }] },
        { op: 'replace', value: { displayName: 'x', Members: [{ value: 'e' }, { value: 'f' }, { value: 'g' }] } },
        { op: 'replace', path: 'displayName', value: 'y' },
        'not an op',
      ],
    };
    expect(memberValuesOfPatch(body)).toBe(7);
    expect(memberValuesOfPatch({ Operations: 'x' })).toBe(0);
    expect(memberValuesOfBody({ displayName: 'g', members: [{ value: 'a' }, { value: 'b' }] })).toBe(2);
    expect(memberValuesOfBody({ displayName: 'g' })).toBe(0);
  });
  it('refuses more members than scim.budgets.groupMembers, and takes exactly that many', () => {
    expect(() => checkGroupMembers(3, { groupMembers: 3 }, 'the members')).not.toThrow();
    const error = refusal(() => checkGroupMembers(4, { groupMembers: 3 }, 'the members'));
    expect(error.status).toBe(400);
    expect(error.scimType).toBe('invalidValue');
    expect(error.detail).toContain('scim.budgets.groupMembers');
  });
  it('counts the members a change adds and removes', () => {
    expect(membersChanged(new Set(['a', 'b']), new Set(['b', 'c', 'd']))).toBe(3);
  });
});
