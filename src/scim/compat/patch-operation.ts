import { patchOpName } from '../patch/patch-op.js';
import { findKey, isJsonObject } from '../json-object.js';

export interface PatchOperation {
  op: string;
  path?: string;
  value?: unknown;
}

/** Null for an unknown op or bad path, so the core refuses it before a dialect rule could drop it. */
export function toPatchOperation(raw: unknown): PatchOperation | null {
  if (!isJsonObject(raw)) return null;
  const opKey = findKey(raw, 'op');
  const pathKey = findKey(raw, 'path');
  const valueKey = findKey(raw, 'value');
  const op = opKey === undefined ? undefined : raw[opKey];
  const path = pathKey === undefined || raw[pathKey] === null ? undefined : raw[pathKey];
  if (typeof op !== 'string' || patchOpName(op) === undefined) return null;
  if (path !== undefined && typeof path !== 'string') return null;
  return {
    op,
    ...(path !== undefined ? { path } : {}),
    ...(valueKey !== undefined ? { value: raw[valueKey] } : {}),
  };
}

export function withValue(op: PatchOperation, value: unknown): PatchOperation {
  return { op: op.op, ...(op.path !== undefined ? { path: op.path } : {}), ...(value !== undefined ? { value } : {}) };
}
