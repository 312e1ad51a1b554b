import { describe, expect, it } from 'vitest';
import { overBudget } from '../../../src/reconcile/deletion-budget.js';

describe('overBudget', () => {
  it('lets a plan within both limits through', () => {
    expect(overBudget(0, 10, { count: 0, percent: 0 })).toBeNull();
    expect(overBudget(2, 10, { count: 500, percent: 20 })).toBeNull();
  });

  it('refuses over the count, naming it and how to proceed', () => {
    const refusal = overBudget(6, 1000, { count: 5, percent: null });
    expect(refusal).toContain('deactivates or removes 6 members, more than 5');
    expect(refusal).toContain('rosterd plan approve <plan id>');
    expect(refusal).toContain('--allow-deletes 6');
  });

  it('refuses over the percentage of the members the connector manages', () => {
    expect(overBudget(3, 10, { count: null, percent: 20 })).toContain('more than 20% of the 10 members this connector manages');
    expect(overBudget(2, 10, { count: null, percent: 20 })).toBeNull();
  });

  it('always allows one deletion, so a tiny workspace can lose a person', () => {
    expect(overBudget(1, 3, { count: null, percent: 20 })).toBeNull();
    expect(overBudget(2, 3, { count: null, percent: 20 })).not.toBeNull();
  });

  it('--allow-deletes covers a plan up to that many', () => {
    expect(overBudget(6, 10, { count: 1, percent: 20 }, 6)).toBeNull();
    expect(overBudget(7, 10, { count: 1, percent: 20 }, 6)).not.toBeNull();
  });

  it('null switches a limit off', () => {
    expect(overBudget(1000, 1000, { count: null, percent: null })).toBeNull();
  });
});
