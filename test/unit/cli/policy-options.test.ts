import { describe, expect, it } from 'vitest';
import { policyFromOptions } from '../../../src/cli/policy-options.js';
import { mergePolicy } from '../../../src/model/merge-policy.js';
import { keysForOtherVersion } from '../../../src/model/policy-version-fit.js';
import { workspacePolicySchema } from '../../../src/model/workspace-policy.js';

describe('policy flags of workspace create and update', () => {
  it('turns each flag into its policy key, and only the flags given', () => {
    expect(policyFromOptions({})).toEqual({});
    expect(
      policyFromOptions({
        seats: 'builder=10,pro=5',
        roleMap: 'ADMIN=admin,Team=Lead=editor',
        deprovision: 'remove',
        projectRole: 'admin',
        groupPrefix: '',
        creationOnly: 'locale, title',
        adoptByUserName: 'yes',
        deletionBudgetCount: 'off',
        deletionBudgetPercent: '10',
      }),
    ).toEqual({
      seats: { builder: 10, pro: 5 },
      roleValueMap: { ADMIN: 'admin', 'Team=Lead': 'editor' },
      deprovision: 'remove',
      groups: { projectRole: 'admin', displayNamePrefix: '' },
      creationOnly: ['locale', 'title'],
      adoptByUserName: true,
      deletionBudget: { count: null, percent: 10 },
    });
    expect(policyFromOptions({ roleMap: 'none', creationOnly: 'none' })).toEqual({ roleValueMap: {}, creationOnly: [] });
  });

  it('names the flag and the wrong value', () => {
    expect(() => policyFromOptions({ adoptByUserName: 'maybe' })).toThrow('--adopt-by-user-name must be yes or no, got "maybe"');
    expect(() => policyFromOptions({ deletionBudgetCount: 'lots' })).toThrow('--deletion-budget-count must be a number or off, got "lots"');
    expect(() => policyFromOptions({ roleMap: 'ADMIN' })).toThrow('--role-map: "ADMIN" should look like ADMIN=admin');
    expect(() => policyFromOptions({ seats: 'gold=1' })).toThrow('"gold" is not a seat type');
  });

  it('lays a change over a policy: seats, groups and the budget key by key, the rest whole', () => {
    const current = workspacePolicySchema.parse({ seats: { builder: 10, pro: 5 }, roleValueMap: { A: 'admin' }, groups: { mode: 'projects', projectRole: 'editor' } });
    const merged = workspacePolicySchema.parse(mergePolicy(current, { seats: { builder: 20 }, roleValueMap: { B: 'viewer' }, groups: { projectRole: 'admin' }, deletionBudget: { count: null } }));
    expect(merged.seats).toEqual({ builder: 20, pro: 5 });
    expect(merged.roleValueMap).toEqual({ B: 'viewer' });
    expect(merged.groups).toMatchObject({ mode: 'projects', projectRole: 'admin' });
    expect(merged.deletionBudget).toEqual({ count: null, percent: 20 });
  });

  it('finds the keys the other version would ignore, but lets defaults through', () => {
    expect(keysForOtherVersion('v1', { defaultRole: 'admin', seats: { builder: 1 } })).toEqual(['defaultRole']);
    expect(keysForOtherVersion('v2', { seats: { builder: 1 }, defaultSeatType: 'pro' })).toEqual(['seats', 'defaultSeatType']);
    // workspace show --json of a V2 workspace holds seats: {} and every V2 key at its value.
    expect(keysForOtherVersion('v2', workspacePolicySchema.parse({ defaultRole: 'admin' }))).toEqual([]);
    expect(keysForOtherVersion('v1', workspacePolicySchema.parse({ seats: { builder: 3 } }))).toEqual([]);
  });
});
