import { describe, expect, it } from 'vitest';
import { buildPlan, type Change } from '../../../src/model/plan.js';

const change = (kind: Change['kind'], action: Change['action'], key: string): Change => ({ kind, action, key, targetId: key, before: null, after: null });

describe('buildPlan', () => {
  it('sorts groups before members before memberships, then by action and key, and counts actions', () => {
    const plan = buildPlan({
      workspaceId: 'w',
      source: 'key:k',
      basis: 7,
      now: '2026-11-23T00:00:00.000Z',
      id: 'p1',
      changes: [change('group_member', 'create', 'g ← b'), change('member', 'update', 'b'), change('member', 'create', 'z'), change('group', 'create', 'g'), change('member', 'create', 'a')],
    });
    expect(plan.changes.map((c) => `${c.kind}:${c.action}:${c.key}`)).toEqual([
      'group:create:g',
      'member:create:a',
      'member:create:z',
      'member:update:b',
      'group_member:create:g ← b',
    ]);
    expect(plan.summary).toEqual({ create: 4, update: 1, deactivate: 0, reactivate: 0, remove: 0, skip: 0 });
    expect(JSON.parse(JSON.stringify(plan))).toEqual(plan);
  });
});
