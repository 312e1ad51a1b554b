import { lowerCaseOp } from './entra.js';
import { isJsonObject, mapValues, omitKeys, type JsonObject } from '../json-object.js';
import { withValue, type PatchOperation } from './patch-operation.js';
import { isKnownSchemaUrn, parsePathTarget, splitUrnQualified } from './scim-path.js';

/**
 * Okta's SCIM dialect, normalised at the edge so the core can stay strict RFC 7643/7644.
 * "Quirk N" below numbers what Okta sends; each has a request fixture under test/fixture/okta/ and a test.
 * Every function is pure and returns a copy.
 */

/** `password`, or a URN-qualified `…:password` (RFC 7643 §4.1.1 defines it in the core User schema). */
function isPasswordKey(key: string): boolean {
  return splitUrnQualified(key).rest.toLowerCase() === 'password';
}

/**
 * Quirks 2 and 4: Okta's create POST and its full-object PUT carry the user's `password`. rosterd stores no
 * credentials, and a password must never reach the core, the store or a log line, so it is removed here,
 * also when URN-qualified or nested in a core-schema object.
 */
export function stripPassword(resource: JsonObject): JsonObject {
  return mapValues(
    omitKeys(resource, (key) => isPasswordKey(key)),
    (key, value) => (isKnownSchemaUrn(key) && isJsonObject(value) ? stripPassword(value) : value),
  );
}

const CLIENT_ONLY_KEYS = new Set(['id', 'meta', 'groups']);

/**
 * Quirk 4: profile updates are a GET followed by a PUT of the whole object, including `id`, `meta` and
 * `groups` (quirk 2: POST carries `groups: []`). `id` and `meta` are assigned by the server and `groups` is
 * read-only (RFC 7643 §3.1, §4.1.2), so they are removed; the route takes the id from the URL.
 */
export function stripServerAssigned(resource: JsonObject): JsonObject {
  return omitKeys(resource, (key) => CLIENT_ONLY_KEYS.has(key.toLowerCase()));
}

/** Quirk 6: `members: null` means no members; it becomes absent (an empty list `members: []` is kept). */
export function dropNullMembers(resource: JsonObject): JsonObject {
  return omitKeys(resource, (key, value) => key.toLowerCase() === 'members' && value === null);
}

/**
 * Quirk 6: a group rename is `{"op":"replace","value":{"id":"<gid>","displayName":"…"}}`, and Okta re-sends it
 * with membership updates. `id` is read-only, so it is dropped from any pathless value; if nothing is left
 * the op is dropped (null).
 */
export function dropIdFromPathlessValue(op: PatchOperation): PatchOperation | null {
  if (op.path !== undefined || !isJsonObject(op.value)) return op;
  const value = omitKeys(op.value, (key) => key.toLowerCase() === 'id');
  if (Object.keys(value).length === Object.keys(op.value).length) return op;
  return Object.keys(value).length === 0 ? null : withValue(op, value);
}

/**
 * Quirk 4: OIN integrations PATCH to "sync passwords". The password never reaches the core: an op whose
 * path is `password` is dropped (null), and `password` is removed from a pathless value (the op is dropped
 * when nothing else is left).
 */
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

/** All Okta body normalisations for a POST or PUT of a User or Group (quirks 2, 4, 6). */
export function normalizeOktaResource(resource: JsonObject): JsonObject {
  return dropNullMembers(stripServerAssigned(stripPassword(resource)));
}

/**
 * All Okta normalisations of one PATCH operation (quirks 4, 5, 6). Quirk 5's pathless
 * `{"op":"replace","value":{"active":false}}` is standard and only has its op lower-cased; quirk 6's
 * `remove` of `members[value eq "…"]`, `add` of members and full `replace` of members are standard and
 * pass through.
 */
export function normalizeOktaPatchOp(op: PatchOperation): PatchOperation[] {
  const withoutId = dropIdFromPathlessValue(lowerCaseOp(op));
  const withoutPassword = withoutId === null ? null : dropPasswordOp(withoutId);
  return withoutPassword === null ? [] : [withoutPassword];
}
