import { patchOpName } from '../patch/patch-op.js';
import { findKey, isJsonObject } from '../json-object.js';

/** One RFC 7644 §3.5.2 PATCH operation with canonical member names. */
export interface PatchOperation {
  op: string;
  path?: string;
  value?: unknown;
}

/**
 * Read one raw operation, recognising `op`, `path` and `value` in any case (Entra quirk 1 and 11: Microsoft
 * asks servers not to be case-sensitive on structural elements). Returns null when the operation's `op` is not
 * add, remove or replace (in any case) or its path is neither a string nor null: such an op is passed to the core
 * untouched so that it rejects it, and no dialect rule can drop it first (`{"op":"bogus","path":"password"}` must
 * be refused, not taken for Okta's password sync). Members other than op/path/value are dropped; RFC 7644 defines none.
 */
export function toPatchOperation(raw: unknown): PatchOperation | null {
  if (!isJsonObject(raw)) return null;
  const opKey = findKey(raw, 'op');
  const pathKey = findKey(raw, 'path');
  const valueKey = findKey(raw, 'value');
  const op = opKey === undefined ? undefined : raw[opKey];
  // `"path": null` is read as "no path": it can only mean the pathless form.
  const path = pathKey === undefined || raw[pathKey] === null ? undefined : raw[pathKey];
  if (typeof op !== 'string' || patchOpName(op) === undefined) return null;
  if (path !== undefined && typeof path !== 'string') return null;
  return {
    op,
    ...(path !== undefined ? { path } : {}),
    ...(valueKey !== undefined ? { value: raw[valueKey] } : {}),
  };
}

/** A copy of `op` with another value (or none). */
export function withValue(op: PatchOperation, value: unknown): PatchOperation {
  return { op: op.op, ...(op.path !== undefined ? { path: op.path } : {}), ...(value !== undefined ? { value } : {}) };
}
