import { describe, expect, it } from 'vitest';
import { applyMemberOps, splitMemberOps } from '../../../src/scim/group-member-ops.js';

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
});
