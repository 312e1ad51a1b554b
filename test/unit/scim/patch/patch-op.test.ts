import { describe, expect, it } from 'vitest';
import { validatePatchRequest } from '../../../../src/scim/patch/patch-op.js';
import { ScimError } from '../../../../src/scim/scim-error.js';
import { URN } from '../../../../src/scim/scim-urn.js';

const body = (operations: unknown, extra: Record<string, unknown> = {}) => ({ schemas: [URN.patchOp], Operations: operations, ...extra });

function refusal(input: unknown): ScimError {
  try {
    validatePatchRequest(input);
  } catch (error) {
    expect(error).toBeInstanceOf(ScimError);
    return error as ScimError;
  }
  throw new Error('expected a refusal');
}

describe('validatePatchRequest', () => {
  it('returns the operations', () => {
    expect(
      validatePatchRequest(
        body([
          { op: 'replace', path: 'active', value: false },
          { op: 'remove', path: 'members[value eq "x"]' },
          { op: 'add', value: { nickName: 'Babs' } },
        ]),
      ),
    ).toEqual([
      { op: 'replace', path: 'active', value: false },
      { op: 'remove', path: 'members[value eq "x"]' },
      { op: 'add', value: { nickName: 'Babs' } },
    ]);
  });

  it('reads structural keys case-insensitively', () => {
    expect(validatePatchRequest({ Schemas: [URN.patchOp.toUpperCase()], operations: [{ OP: 'add', Path: 'title', Value: 'x' }] })).toEqual([
      { op: 'add', path: 'title', value: 'x' },
    ]);
  });

  it('reads op names in any case (Entra sends "Replace", "Add")', () => {
    expect(validatePatchRequest(body([{ op: 'Replace', value: {} }, { op: 'ADD', path: 'title', value: 'x' }, { op: 'Remove', path: 'title' }])).map((o) => o.op)).toEqual(['replace', 'add', 'remove']);
  });

  it('never quotes a long op at length', () => {
    const error = refusal(body([{ op: 'x'.repeat(5_000) }]));
    expect(error.scimType).toBe('invalidSyntax');
    expect(error.detail.length).toBeLessThan(200);
  });

  it('keeps an explicit null value and drops a null path', () => {
    expect(validatePatchRequest(body([{ op: 'replace', path: null, value: null }]))).toEqual([{ op: 'replace', value: null }]);
  });

  it.each([
    [null, 'invalidSyntax', 'PATCH body must be a JSON object'],
    [{ Operations: [{ op: 'add', path: 'a', value: 1 }] }, 'invalidSyntax', '"schemas" must be an array containing'],
    [{ schemas: ['urn:ietf:params:scim:api:messages:2.0:ListResponse'], Operations: [] }, 'invalidSyntax', '"schemas" must be an array containing'],
    [body(undefined), 'invalidSyntax', '"Operations" must be a non-empty array'],
    [body([]), 'invalidSyntax', '"Operations" must be a non-empty array'],
    [body(['add']), 'invalidSyntax', 'Operations[0] must be an object'],
    [body([{ op: 'add', path: 'a', value: 1 }, { op: 'add', value: {} }, { op: 'merge', value: {} }]), 'invalidSyntax', 'Operations[2].op must be "add", "remove" or "replace" (in any case), got "merge"'],
    [body([{ op: 'bogus', path: 'password', value: 'x' }]), 'invalidSyntax', 'Operations[0].op must be "add", "remove" or "replace"'],
    [body([{ path: 'a' }]), 'invalidSyntax', 'Operations[0].op must be "add", "remove" or "replace" (in any case), got nothing'],
    [body([{ op: 'add', path: 'title' }]), 'invalidValue', 'Operations[0]: "add" needs a "value"'],
    [body([{ op: 'remove', path: 42 }]), 'invalidPath', 'Operations[0].path must be a non-empty string, got 42'],
    [body([{ op: 'remove', path: ['x'.repeat(100)] }]), 'invalidPath', 'Operations[0].path must be a non-empty string, got an array of 1 entry'],
    [body([{ op: 'remove', path: ' ' }]), 'invalidPath', 'Operations[0].path must be a non-empty string'],
  ])('refuses %j', (input, scimType, detail) => {
    const error = refusal(input);
    expect(error.status).toBe(400);
    expect(error.scimType).toBe(scimType);
    expect(error.detail).toContain(detail);
  });
});
