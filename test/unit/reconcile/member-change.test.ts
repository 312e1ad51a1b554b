import { describe, expect, it } from 'vitest';
import { emptyMemberFields, type Member, type MemberFields } from '../../../src/model/member.js';
import { workspacePolicySchema, type WorkspacePolicyInput } from '../../../src/model/workspace-policy.js';
import type { Workspace } from '../../../src/model/workspace.js';
import { memberChange, memberRemoval } from '../../../src/reconcile/member-change.js';

const workspace = (policy: WorkspacePolicyInput = {}): Workspace => ({
  id: 'w',
  name: 'w',
  version: 'v2',
  extensionUrn: 'urn:test',
  policy: workspacePolicySchema.parse(policy),
  revision: 3,
  createdAt: '',
  updatedAt: '',
});

const current = (overrides: Partial<Member> = {}): Member => ({
  ...emptyMemberFields('a@x'),
  role: 'editor',
  locale: 'de_DE',
  id: 'm1',
  workspaceId: 'w',
  accountId: 'acc',
  owner: false,
  lastSource: 'key:k',
  managedBy: null,
  version: 1,
  syncedVersion: 0,
  createdAt: '',
  updatedAt: '',
  ...overrides,
});
const desired = (overrides: Partial<MemberFields> = {}): MemberFields => ({ ...emptyMemberFields('a@x'), role: 'editor', locale: 'de_DE', ...overrides });

describe('memberChange', () => {
  it('creates with a new id and the whole state', () => {
    const change = memberChange(workspace(), null, desired());
    expect(change.action).toBe('create');
    expect(change.targetId).toMatch(/^[0-9a-f-]{36}$/);
    expect(change.after?.userName).toBe('a@x');
  });
  it('updates with changed fields only', () => {
    const change = memberChange(workspace(), current(), desired({ title: 'CTO' }));
    expect(change).toMatchObject({ action: 'update', before: { title: null }, after: { title: 'CTO' } });
    expect(Object.keys(change.after ?? {})).toEqual(['title']);
  });
  it('skips when nothing changes', () => {
    expect(memberChange(workspace(), current(), desired())).toMatchObject({ action: 'skip', reason: 'no changes' });
  });
  it('keeps creation-only attributes', () => {
    expect(memberChange(workspace({ creationOnly: ['locale'] }), current(), desired({ locale: 'en_US' })).action).toBe('skip');
  });
  it('deactivates, or removes when the workspace removes deactivated members', () => {
    expect(memberChange(workspace(), current(), desired({ active: false })).action).toBe('deactivate');
    const removal = memberChange(workspace({ deprovision: 'remove' }), current(), desired({ active: false }));
    expect(removal.action).toBe('remove');
    expect(removal.before?.userName).toBe('a@x');
  });
  it('reactivates', () => {
    expect(memberChange(workspace(), current({ active: false }), desired()).action).toBe('reactivate');
  });
  it('marks owners so the policy can refuse', () => {
    expect(memberChange(workspace(), current({ owner: true }), desired({ title: 'x' })).owner).toBe(true);
    expect(memberRemoval(current({ owner: true }), 'gone').owner).toBe(true);
  });
});
