import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { applyPatch, applyPatchInSlices } from '../../../../src/scim/patch/apply-patch.js';
import type { PatchOp } from '../../../../src/scim/patch/patch-op.js';
import { ScimError } from '../../../../src/scim/scim-error.js';
import { enterpriseUserSchema } from '../../../../src/scim/schema/enterprise-user-schema.js';
import { userSchema } from '../../../../src/scim/schema/user-schema.js';
import { refusal } from '../../../support/refusal.js';

const CORE = 'urn:ietf:params:scim:schemas:core:2.0:User';
const USERS = { core: userSchema, extensions: [enterpriseUserSchema] };
const user = (emails: unknown[] = []) => ({ schemas: [CORE], id: 'u-1', userName: 'babs@example.com', active: true, emails });


/**
 * The PATCH engine answers `emails[value eq "x"]` from an index kept up to date as operations apply, and any other
 * filter by testing every value. `not (not (…))` selects the same values without an index, so each sequence of
 * operations must end the same both ways: the index never misses a value, never keeps a stale one.
 */
describe('applyPatch: value filters through the index select what a scan selects', () => {
  const address = fc.constantFrom('a@x', 'A@x', 'b@x', 'c@x');
  const type = fc.constantFrom('work', 'home', 'other');
  const element = fc.record({ value: address, type, primary: fc.boolean() }, { requiredKeys: ['value'] });
  const filter = fc.oneof(
    address.map((a) => `value eq "${a}"`),
    type.map((t) => `type eq "${t}"`),
    fc.tuple(type, fc.boolean()).map(([t, p]) => `type eq "${t}" and primary eq ${p}`),
  );
  const op = fc.oneof(
    fc.array(element, { minLength: 1, maxLength: 3 }).map((value) => ({ op: 'add' as const, path: 'emails', value })),
    filter.map((f) => ({ op: 'remove' as const, path: `emails[${f}]` })),
    fc.tuple(filter, type).map(([f, t]) => ({ op: 'replace' as const, path: `emails[${f}].type`, value: t })),
    fc.tuple(filter, address).map(([f, a]) => ({ op: 'replace' as const, path: `emails[${f}].value`, value: a })),
    filter.map((f) => ({ op: 'replace' as const, path: `emails[${f}].primary`, value: true })),
    fc.tuple(filter, element).map(([f, e]) => ({ op: 'replace' as const, path: `emails[${f}]`, value: e })),
    element.map((e) => ({ op: 'remove' as const, path: 'emails', value: [{ value: e.value }] })),
  );
  const scanned = (o: PatchOp): PatchOp => ({ ...o, ...(o.path ? { path: o.path.replace(/\[(.*)\]/, '[not (not ($1))]') } : {}) });
  const outcome = (run: () => Record<string, unknown>) => {
    try {
      return { emails: run().emails ?? [] };
    } catch (error) {
      return { error: (error as ScimError).scimType };
    }
  };

  it('for random sequences of operations', () => {
    fc.assert(
      fc.property(fc.array(element, { maxLength: 6 }), fc.array(op, { minLength: 1, maxLength: 12 }), (start, ops) => {
        expect(outcome(() => applyPatch(user(start), ops, USERS))).toEqual(outcome(() => applyPatch(user(start), ops.map(scanned), USERS)));
      }),
      { numRuns: 300 },
    );
  });
});

describe('applyPatch: many operations on one multi-valued attribute', () => {
  it('applies 2,000 adds and 1,000 value-path edits in order, each seeing the ones before', () => {
    const adds: PatchOp[] = Array.from({ length: 2_000 }, (_, i) => ({ op: 'add', path: 'emails', value: [{ value: `e${i}@x`, type: 'work' }] }));
    const edits: PatchOp[] = Array.from({ length: 1_000 }, (_, i) => ({ op: 'replace', path: `emails[value eq "E${2 * i}@X"].type`, value: 'home' }));
    const removes: PatchOp[] = Array.from({ length: 500 }, (_, i) => ({ op: 'remove', path: `emails[value eq "e${4 * i + 1}@x"]` }));
    const primary: PatchOp = { op: 'replace', path: 'emails[value eq "e6@x"].primary', value: true };
    const next = applyPatch(user(), [...adds, ...edits, ...removes, primary], USERS).emails as { value: string; type: string; primary?: boolean }[];
    expect(next).toHaveLength(1_500);
    expect(next.filter((e) => e.type === 'home')).toHaveLength(1_000);
    expect(next.every((e, k) => (k === 0 || Number(e.value.slice(1, -2)) > Number(next[k - 1]!.value.slice(1, -2))))).toBe(true);
    expect(next.some((e) => e.value === 'e5@x')).toBe(false);
    expect(next.filter((e) => e.primary).map((e) => e.value)).toEqual(['e6@x']);
  });

  it('keeps one primary value as primary moves from value to value', () => {
    const emails = Array.from({ length: 50 }, (_, i) => ({ value: `e${i}@x`, primary: i === 0 }));
    const ops: PatchOp[] = Array.from({ length: 50 }, (_, i) => ({ op: 'replace', path: `emails[value eq "e${49 - i}@x"].primary`, value: true }));
    const next = applyPatch(user(emails), ops, USERS).emails as { value: string; primary: boolean }[];
    expect(next.filter((e) => e.primary).map((e) => e.value)).toEqual(['e0@x']);
  });

  it('refuses to grow an attribute past scim.budgets.multiValuedEntries while operations apply', () => {
    const ops: PatchOp[] = Array.from({ length: 4 }, (_, i) => ({ op: 'add', path: 'emails', value: [{ value: `e${i}@x` }] }));
    expect(applyPatch(user(), ops.slice(0, 3), USERS, { multiValuedEntries: 3 }).emails).toHaveLength(3);
    const error = refusal(() => applyPatch(user(), ops, USERS, { multiValuedEntries: 3 }));
    expect(error.status).toBe(400);
    expect(error.detail).toContain('scim.budgets.multiValuedEntries');
    // A user already past the budget may still be edited and shrink, but not grow.
    const many = Array.from({ length: 5 }, (_, i) => ({ value: `m${i}@x` }));
    expect(applyPatch(user(many), [{ op: 'remove', path: 'emails[value eq "m0@x"]' }, { op: 'add', path: 'emails', value: [{ value: 'n@x' }] }], USERS, { multiValuedEntries: 3 }).emails).toHaveLength(5);
  });

  it('treats re-sending the current values of a read-only attribute as no change', () => {
    const groups = [{ value: 'g-1', display: 'Staff' }];
    expect(applyPatch({ ...user(), groups }, [{ op: 'add', path: 'groups', value: groups }], USERS).groups).toEqual(groups);
    expect(refusal(() => applyPatch({ ...user(), groups }, [{ op: 'remove', path: 'groups[value eq "g-1"]' }], USERS)).scimType).toBe('mutability');
  });

  it('never repeats a long path or value at length in a detail', () => {
    const long = 'x'.repeat(10_000);
    expect(refusal(() => applyPatch(user(), [{ op: 'replace', path: `emails[value eq "${long}"].type`, value: 'work' }], USERS)).detail.length).toBeLessThan(300);
    expect(refusal(() => applyPatch(user(), [{ op: 'replace', path: 'active', value: long }], USERS)).detail.length).toBeLessThan(300);
  });
});

describe('applyPatchInSlices', () => {
  it('gives what applyPatch gives, and lets other work run while thousands of operations apply', async () => {
    const ops: PatchOp[] = Array.from({ length: 20_000 }, (_, k) => (k % 2 === 0 ? { op: 'add', path: 'emails', value: [{ value: `e${k % 50}@x`, type: 'work' }] } : { op: 'replace', path: 'title', value: `t${k}` }));
    let turns = 0;
    let patching = true;
    const count = () => {
      if (!patching) return;
      turns++;
      setImmediate(count);
    };
    setImmediate(count);
    const sliced = await applyPatchInSlices(user(), ops, USERS);
    patching = false;
    expect(sliced).toEqual(applyPatch(user(), ops, USERS));
    expect((sliced.emails as unknown[]).length).toBe(25);
    // 20,000 operations take longer than one 5 ms slice, so the event loop gets at least one turn in between.
    expect(turns).toBeGreaterThan(0);
  });
});
