import { isJsonObject, type JsonObject } from '../json-object.js';
import { parsePatchPath } from '../filter/parse-path.js';
import type { PatchOp } from '../patch/patch-op.js';
import { UNSTORED_USER_ATTRIBUTES } from '../schema/unstored-user-attributes.js';
import { URN } from '../scim-urn.js';

const CORE_USER = URN.user.toLowerCase();

/** A cheap test first: nearly every PATCH (active, emails, members) names none of these, and is not parsed twice. */
const MENTIONS_UNSTORED = /ims|photos|entitlements|x509certificates/i;

/** `ims`, `photos[type eq "photo"].value`, `urn:…:core:2.0:User:entitlements`: an attribute rosterd drops. */
function targetsUnstored(path: string): boolean {
  if (!MENTIONS_UNSTORED.test(path)) return false;
  let parsed;
  try {
    parsed = parsePatchPath(path);
  } catch {
    // A malformed path is applyPatch's to refuse, with the position of the fault.
    return false;
  }
  return (parsed.uri === undefined || parsed.uri.toLowerCase() === CORE_USER) && UNSTORED_USER_ATTRIBUTES.has(parsed.attribute.toLowerCase());
}

/** A pathless value (or one addressed to the core schema) without its unstored attributes. */
function withoutUnstoredKeys(value: JsonObject): JsonObject {
  const kept: JsonObject = {};
  for (const [key, inner] of Object.entries(value)) {
    if (key.toLowerCase() === CORE_USER && isJsonObject(inner)) kept[key] = withoutUnstoredKeys(inner);
    else if (!targetsUnstored(key)) kept[key] = inner;
  }
  return kept;
}

/** A path naming an attribute, rather than none (pathless) or the whole core schema, both of which carry an object of attributes. */
const hasAttributePath = (op: PatchOp) => op.path !== undefined && op.path.trim().toLowerCase() !== CORE_USER;

/** True when the operation names an unstored attribute, in its path or among the keys of its value. */
function touchesUnstored(op: PatchOp): boolean {
  if (hasAttributePath(op)) return targetsUnstored(op.path!);
  return isJsonObject(op.value) && Object.entries(op.value).some(([key, inner]) => (key.toLowerCase() === CORE_USER && isJsonObject(inner) ? Object.keys(inner).some(targetsUnstored) : targetsUnstored(key)));
}

/**
 * A User PATCH without the operations on attributes rosterd accepts but does not store (unstored-user-attributes.ts).
 * They are not in the schema the PATCH engine resolves paths with, which would refuse them as unknown; a POST or
 * PUT carrying them has them ignored, and a PATCH must be as tolerant. Nearly every PATCH names none of them and
 * is returned as it is: this runs on the hot path of deactivation.
 */
export function withoutUnstoredOperations(ops: readonly PatchOp[]): readonly PatchOp[] {
  if (!ops.some(touchesUnstored)) return ops;
  const kept: PatchOp[] = [];
  for (const op of ops) {
    if (!touchesUnstored(op)) kept.push(op);
    // An op on an unstored attribute is dropped; an object of attributes loses only those keys.
    else if (!hasAttributePath(op)) kept.push({ ...op, value: withoutUnstoredKeys(op.value as JsonObject) });
  }
  return kept;
}
