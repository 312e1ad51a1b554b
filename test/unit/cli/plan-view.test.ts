import { describe, expect, it } from 'vitest';
import { describeChange } from '../../../src/cli/view/plan-view.js';
import type { Change } from '../../../src/model/plan.js';

describe('a plan change for people', () => {
  const newMember = { userName: 'ada@acme.example', externalId: 'ada', role: 'admin', seatType: null, creditLimit: null, active: true, title: null, department: null, locale: null };

  it('shows a refused create by the fields that identify it, not every empty field', () => {
    const skip: Change = { action: 'skip', kind: 'member', key: 'ada@acme.example', targetId: 'm-new', before: null, after: newMember, reason: 'refused by the workspace policy: seat type builder is full (10 of 10)' } as Change;
    expect(describeChange(skip)).toBe('externalId=ada role=admin active=true');
  });

  it('shows an update by the fields that differ only', () => {
    const update: Change = { action: 'update', kind: 'member', key: 'ada@acme.example', targetId: 'm1', before: { role: 'viewer', title: 'Engineer' }, after: { role: 'editor', title: 'Engineer' } } as Change;
    expect(describeChange(update)).toBe('role: viewer → editor');
  });
});
