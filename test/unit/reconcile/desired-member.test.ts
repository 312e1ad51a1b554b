import { describe, expect, it } from 'vitest';
import type { SnapshotMember } from '../../../src/connector/snapshot-member.js';
import { sameValue } from '../../../src/model/member.js';
import { workspacePolicySchema, type WorkspacePolicyInput } from '../../../src/model/workspace-policy.js';
import type { Workspace } from '../../../src/model/workspace.js';
import { desiredMemberFields, equivalentEmails } from '../../../src/reconcile/desired-member.js';

const workspace = (version: 'v1' | 'v2', policy: WorkspacePolicyInput = {}): Workspace => ({
  id: 'acme',
  name: 'Acme',
  version,
  extensionUrn: 'urn:ext',
  policy: workspacePolicySchema.parse(policy),
  revision: 1,
  createdAt: '',
  updatedAt: '',
});

const member = (overrides: Partial<SnapshotMember> = {}): SnapshotMember => ({
  externalId: 'x-1',
  userName: 'ada@acme.test',
  active: true,
  displayName: 'Ada Lovelace',
  givenName: 'Ada',
  familyName: 'Lovelace',
  emails: [{ value: 'ada@acme.test', type: 'work', primary: true }],
  roles: ['editor'],
  creditLimit: 300,
  seatType: null,
  attributes: { department: 'R&D', title: 'Engineer' },
  grants: [],
  ...overrides,
});

describe('desiredMemberFields', () => {
  it('gives only the fields a pull manages, so a pull never clears what push wrote', () => {
    const fields = desiredMemberFields(workspace('v2'), member());
    expect(fields).toEqual({
      externalId: 'x-1',
      userName: 'ada@acme.test',
      active: true,
      displayName: 'Ada Lovelace',
      givenName: 'Ada',
      familyName: 'Lovelace',
      emails: [{ value: 'ada@acme.test', type: 'work', primary: true }],
      department: 'R&D',
      title: 'Engineer',
      role: 'editor',
      creditLimit: 300,
      seatType: null,
    });
    expect(fields).not.toHaveProperty('phoneNumbers');
  });

  it('applies the workspace\'s role rules: precedence, then the default role', () => {
    expect(desiredMemberFields(workspace('v2', { rolePrecedence: ['editor', 'admin', 'viewer'] }), member({ roles: ['admin', 'editor'] })).role).toBe('editor');
    expect(desiredMemberFields(workspace('v2', { defaultRole: 'editor' }), member({ roles: [] })).role).toBe('editor');
  });

  it('on V1 gives a seat (the workspace default when the IdP has none) and never a role', () => {
    const fields = desiredMemberFields(workspace('v1', { defaultSeatType: 'builder' }), member({ creditLimit: null }));
    expect(fields).toMatchObject({ role: null, seatType: 'builder', creditLimit: null });
  });

  it('stores no emails as null, as a push without emails does', () => {
    expect(desiredMemberFields(workspace('v2'), member({ emails: [] })).emails).toBeNull();
  });

  it('keeps the stored emails when they say the same thing, so push then pull does not flap', () => {
    const pushed = [{ primary: true, value: 'ada@acme.test', type: 'work', display: 'ada@acme.test' }];
    expect(desiredMemberFields(workspace('v2'), member(), { emails: pushed }).emails).toEqual(pushed);
    const other = [{ primary: true, value: 'old@acme.test', type: 'work' }];
    expect(desiredMemberFields(workspace('v2'), member(), { emails: other }).emails).toEqual([{ value: 'ada@acme.test', type: 'work', primary: true }]);
  });
});

describe('equivalentEmails', () => {
  const pulled = [{ value: 'ada@acme.test', type: 'work', primary: true }];
  it('ignores key order and sub-attributes the pull does not read', () => {
    expect(equivalentEmails([{ primary: true, type: 'work', value: 'ada@acme.test' }], pulled)).toBe(true);
    expect(equivalentEmails([{ primary: true, value: 'ada@acme.test', type: 'work', display: 'Ada' }], pulled)).toBe(true);
  });
  it('compares value, type, primary and order', () => {
    expect(equivalentEmails([{ value: 'ada@acme.test', type: 'home', primary: true }], pulled)).toBe(false);
    expect(equivalentEmails([{ value: 'ada@acme.test', type: 'work' }], pulled)).toBe(false);
    expect(equivalentEmails([], [])).toBe(false);
    expect(equivalentEmails(null, pulled)).toBe(false);
  });
});

describe('sameValue', () => {
  it('does not count object key order, and does count array order', () => {
    expect(sameValue([{ a: 1, b: { c: 2, d: 3 } }], [{ b: { d: 3, c: 2 }, a: 1 }])).toBe(true);
    expect(sameValue([1, 2], [2, 1])).toBe(false);
  });
});
