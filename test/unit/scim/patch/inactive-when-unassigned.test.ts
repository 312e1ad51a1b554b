import { describe, expect, it } from 'vitest';
import { inactiveWhenUnassigned } from '../../../../src/scim/patch/inactive-when-unassigned.js';

describe('inactiveWhenUnassigned', () => {
  it('reads an unassigned active as not active: removing it never grants access', () => {
    expect(inactiveWhenUnassigned({ userName: 'a' })).toEqual({ userName: 'a', active: false });
    expect(inactiveWhenUnassigned({ userName: 'a', active: null })).toEqual({ userName: 'a', active: false });
    expect(inactiveWhenUnassigned({ userName: 'a', Active: null })).toEqual({ userName: 'a', active: false });
  });

  it('leaves an assigned active as it is', () => {
    const on = { userName: 'a', active: true };
    expect(inactiveWhenUnassigned(on)).toBe(on);
    expect(inactiveWhenUnassigned({ userName: 'a', active: false }).active).toBe(false);
  });
});
