import { invalidPath, invalidSyntax, invalidValue } from '../scim-error.js';
import { URN } from '../scim-urn.js';
import { getValue, hasKey, isJsonObject } from '../json-object.js';
import { valueExcerpt } from '../../model/value-excerpt.js';

/** `op` lower-cased. */
export interface PatchOp {
  op: 'add' | 'remove' | 'replace';
  path?: string;
  value?: unknown;
}

const OPS = ['add', 'remove', 'replace'] as const;

/** add, remove or replace in any case, else undefined. */
export function patchOpName(op: unknown): PatchOp['op'] | undefined {
  if (typeof op !== 'string') return undefined;
  const lower = op.toLowerCase();
  return (OPS as readonly string[]).includes(lower) ? (lower as PatchOp['op']) : undefined;
}

/**
 * The body's operations; structural keys and op names match case-insensitively, as Microsoft asks.
 * @throws ScimError invalidSyntax for a malformed body or unknown op, invalidValue / invalidPath for a bad operation.
 */
export function validatePatchRequest(body: unknown): PatchOp[] {
  if (!isJsonObject(body)) throw invalidSyntax('PATCH body must be a JSON object with "schemas" and "Operations"');
  const schemas = getValue(body, 'schemas');
  if (!Array.isArray(schemas) || !schemas.some((s) => typeof s === 'string' && s.toLowerCase() === URN.patchOp.toLowerCase())) {
    throw invalidSyntax(`PATCH body: "schemas" must be an array containing "${URN.patchOp}"`);
  }
  const operations = getValue(body, 'Operations');
  if (!Array.isArray(operations) || operations.length === 0) {
    throw invalidSyntax('PATCH body: "Operations" must be a non-empty array of {"op", "path", "value"}');
  }
  return operations.map((raw, i) => validateOperation(raw, `Operations[${i}]`));
}

function validateOperation(raw: unknown, where: string): PatchOp {
  if (!isJsonObject(raw)) throw invalidSyntax(`${where} must be an object with "op", "path" and "value"`);
  const sent = getValue(raw, 'op');
  const op = patchOpName(sent);
  if (op === undefined) {
    throw invalidSyntax(`${where}.op must be "add", "remove" or "replace" (in any case), got ${sent === undefined ? 'nothing' : valueExcerpt(sent)}`);
  }
  const path = getValue(raw, 'path');
  if (path !== undefined && path !== null && (typeof path !== 'string' || path.trim() === '')) {
    throw invalidPath(`${where}.path must be a non-empty string, got ${valueExcerpt(path)}`);
  }
  const hasValue = hasKey(raw, 'value');
  const value = getValue(raw, 'value');
  if (op !== 'remove' && !hasValue) throw invalidValue(`${where}: "${op}" needs a "value"`);
  return {
    op,
    ...(typeof path === 'string' ? { path } : {}),
    ...(hasValue ? { value } : {}),
  };
}
