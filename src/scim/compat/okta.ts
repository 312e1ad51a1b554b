import { lowerCaseOp } from './entra.js';
import { isJsonObject, mapValues, omitKeys, type JsonObject } from '../json-object.js';
import { withValue, type PatchOperation } from './patch-operation.js';
import { isKnownSchemaUrn, parsePathTarget, splitUrnQualified } from './scim-path.js';

// Okta's SCIM dialect, normalised so the core can stay strict. Pure; every function returns a copy.

function isPasswordKey(key: string): boolean {
  return splitUrnQualified(key).rest.toLowerCase() === 'password';
}

/** rosterd stores no credentials: Okta's `password` must never reach the core or a log. */
export function stripPassword(resource: JsonObject): JsonObject {
  return mapValues(
    omitKeys(resource, (key) => isPasswordKey(key)),
    (key, value) => (isKnownSchemaUrn(key) && isJsonObject(value) ? stripPassword(value) : value),
  );
}

const CLIENT_ONLY_KEYS = new Set(['id', 'meta', 'groups']);

/** Okta PUTs back the whole object it GOT, read-only parts included. */
export function stripServerAssigned(resource: JsonObject): JsonObject {
  return omitKeys(resource, (key) => CLIENT_ONLY_KEYS.has(key.toLowerCase()));
}

export function dropNullMembers(resource: JsonObject): JsonObject {
  return omitKeys(resource, (key, value) => key.toLowerCase() === 'members' && value === null);
}

/** Okta's group rename sends the read-only `id`. */
export function dropIdFromPathlessValue(op: PatchOperation): PatchOperation | null {
  if (op.path !== undefined || !isJsonObject(op.value)) return op;
  const value = omitKeys(op.value, (key) => key.toLowerCase() === 'id');
  if (Object.keys(value).length === Object.keys(op.value).length) return op;
  return Object.keys(value).length === 0 ? null : withValue(op, value);
}

/** Okta "password sync" PATCHes; null drops the op. */
export function dropPasswordOp(op: PatchOperation): PatchOperation | null {
  if (op.path !== undefined) {
    const target = parsePathTarget(op.path);
    if (target?.attribute === 'password') return null;
    if (isKnownSchemaUrn(op.path.trim()) && isJsonObject(op.value)) return withValue(op, stripPassword(op.value));
    return op;
  }
  if (!isJsonObject(op.value)) return op;
  const value = stripPassword(op.value);
  if (Object.keys(value).length === Object.keys(op.value).length) return op;
  return Object.keys(value).length === 0 ? null : withValue(op, value);
}

export function normalizeOktaResource(resource: JsonObject): JsonObject {
  return dropNullMembers(stripServerAssigned(stripPassword(resource)));
}

export function normalizeOktaPatchOp(op: PatchOperation): PatchOperation[] {
  const withoutId = dropIdFromPathlessValue(lowerCaseOp(op));
  const withoutPassword = withoutId === null ? null : dropPasswordOp(withoutId);
  return withoutPassword === null ? [] : [withoutPassword];
}
