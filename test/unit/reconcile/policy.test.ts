import { describe, expect, it } from 'vitest';
import { emptyMemberFields, type MemberFields } from '../../../src/model/member.js';
import { workspacePolicySchema, type WorkspacePolicyInput } from '../../../src/model/workspace-policy.js';
import type { Workspace } from '../../../src/model/workspace.js';
import type { Change } from '../../../src/model/plan.js';
import { checkMemberState, evaluatePolicy } from '../../../src/reconcile/policy.js';

const workspace = (version: 'v1' | 'v2', policy: WorkspacePolicyInput = {}): Workspace => ({
  id: 'acme',
  name: 'Acme',
  version,
  extensionUrn: 'urn:test',
  policy: workspacePolicySchema.parse(policy),
  revision: 0,
  createdAt: '2026-01-01T00:00:00.000Z',
  updatedAt: '2026-01-01T00:00:00.000Z',
});

const member = (overrides: Partial<MemberFields>): MemberFields => ({ ...emptyMemberFields('a@x'), ...overrides });
const create = (fields: MemberFields, id = fields.userName): Change => ({ action: 'create', kind: 'member', key: fields.userName, targetId: id, before: null, after: { ...fields } });

describe('checkMemberState on V2', () => {
  const v2 = workspace('v2');
  it('accepts admin, editor and viewer', () => {
    for (const role of ['admin', 'editor', 'viewer']) expect(checkMemberState(v2, member({ role }))).toBeNull();
  });
  it('refuses owner, member and guest with a detail naming the allowed roles', () => {
    for (const role of ['owner', 'member', 'guest']) {
      const refusal = checkMemberState(v2, member({ role }));
      expect(refusal?.status).toBe(400);
      expect(refusal?.scimType).toBe('invalidValue');
      expect(refusal?.detail).toContain('admin, editor, viewer');
    }
  });
  it('refuses a creditLimit on a viewer but allows 0 (no cap)', () => {
    expect(checkMemberState(v2, member({ role: 'viewer', creditLimit: 100 }))?.detail).toMatch(/change the role to editor or admin, or remove creditLimit/);
    expect(checkMemberState(v2, member({ role: 'viewer', creditLimit: 0 }))).toBeNull();
    expect(checkMemberState(v2, member({ role: 'editor', creditLimit: 100 }))).toBeNull();
  });
  it('refuses negative or fractional credit limits', () => {
    expect(checkMemberState(v2, member({ role: 'admin', creditLimit: -1 }))?.detail).toMatch(/non-negative integer/);
    expect(checkMemberState(v2, member({ role: 'admin', creditLimit: 1.5 }))?.detail).toMatch(/non-negative integer/);
  });
  it('refuses seatType, even empty', () => {
    expect(checkMemberState(v2, member({ role: 'admin', seatType: '' }))?.detail).toMatch(/remove seatType/);
  });
});

describe('checkMemberState on V1', () => {
  const v1 = workspace('v1');
  it('refuses role and creditLimit and says to send seatType', () => {
    expect(checkMemberState(v1, member({ seatType: 'pro', role: 'admin' }))?.detail).toMatch(/role is a V2 attribute.*send seatType/);
    expect(checkMemberState(v1, member({ seatType: 'pro', creditLimit: 5 }))?.detail).toMatch(/creditLimit is a V2 attribute/);
  });
  it('requires a known seat type', () => {
    expect(checkMemberState(v1, member({}))?.detail).toMatch(/seatType is required/);
    expect(checkMemberState(v1, member({ seatType: 'platinum' }))?.detail).toMatch(/not a seat type/);
    expect(checkMemberState(v1, member({ seatType: 'elite_2' }))).toBeNull();
  });
});

describe('evaluatePolicy', () => {
  it('carries seat usage through the plan and names the seat type and capacity', () => {
    const v1 = workspace('v1', { seats: { builder: 2 } });
    const changes = ['a', 'b', 'c'].map((n) => create(member({ userName: n, seatType: 'builder' })));
    const verdicts = evaluatePolicy(v1, changes, { seatsInUse: { builder: 1 }, current: new Map() });
    expect(verdicts[0]).toBeNull();
    expect(verdicts[1]?.detail).toMatch(/no builder seats left.*2 builder seats/);
  });
  it('frees a seat when a member is deactivated or moved to another seat type', () => {
    const v1 = workspace('v1', { seats: { builder: 1 } });
    const current = member({ userName: 'old', seatType: 'builder' });
    const deactivate: Change = { action: 'deactivate', kind: 'member', key: 'old', targetId: 'old', before: { active: true }, after: { active: false } };
    const verdicts = evaluatePolicy(v1, [deactivate, create(member({ userName: 'new', seatType: 'builder' }))], {
      seatsInUse: { builder: 1 },
      current: new Map([['old', current]]),
    });
    expect(verdicts).toEqual([null, null]);
  });
  it('refuses any change to an owner with 403 and points to the CLI', () => {
    const v2 = workspace('v2');
    const update: Change = { action: 'update', kind: 'member', key: 'boss@x', targetId: 'b', before: { title: 'a' }, after: { title: 'b' }, owner: true };
    const [verdict] = evaluatePolicy(v2, [update], { seatsInUse: {}, current: new Map([['b', member({ userName: 'boss@x', role: 'admin' })]]) });
    expect(verdict?.status).toBe(403);
    expect(verdict?.detail).toContain('rosterd members set-owner acme boss@x --unset');
  });
  it('checks an update against the merged state, not just the changed fields', () => {
    const v2 = workspace('v2');
    const update: Change = { action: 'update', kind: 'member', key: 'v@x', targetId: 'v', before: { creditLimit: null }, after: { creditLimit: 50 } };
    const [verdict] = evaluatePolicy(v2, [update], { seatsInUse: {}, current: new Map([['v', member({ userName: 'v@x', role: 'viewer' })]]) });
    expect(verdict?.detail).toMatch(/viewer/);
  });
});
