import { isJsonObject, type JsonObject } from '../json-object.js';
import { parsePatchPath } from '../filter/parse-path.js';
import type { PatchOp } from '../patch/patch-op.js';
import { UNSTORED_USER_ATTRIBUTES } from '../schema/unstored-user-attributes.js';
import { URN } from '../scim-urn.js';

const CORE_USER = URN.user.toLowerCase();

/** A cheap test first, so nearly every PATCH is not parsed twice. */
const MENTIONS_UNSTORED = /ims|photos|entitlements|x509certificates/i;

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

function withoutUnstoredKeys(value: JsonObject): JsonObject {
  const kept: JsonObject = {};
  for (const [key, inner] of Object.entries(value)) {
    if (key.toLowerCase() === CORE_USER && isJsonObject(inner)) kept[key] = withoutUnstoredKeys(inner);
    else if (!targetsUnstored(key)) kept[key] = inner;
  }
  return kept;
}

/** Pathless and whole-core-schema paths carry an object of attributes instead. */
const hasAttributePath = (op: PatchOp) => op.path !== undefined && op.path.trim().toLowerCase() !== CORE_USER;

function touchesUnstored(op: PatchOp): boolean {
  if (hasAttributePath(op)) return targetsUnstored(op.path!);
  return isJsonObject(op.value) && Object.entries(op.value).some(([key, inner]) => (key.toLowerCase() === CORE_USER && isJsonObject(inner) ? Object.keys(inner).some(targetsUnstored) : targetsUnstored(key)));
}

/**
 * Drops operations on accepted-but-unstored attributes, which the PATCH engine would refuse as unknown; POST and PUT
 * ignore them, so PATCH must be as tolerant. Most PATCHes are returned as is: this is on the deactivation hot path.
 */
export function withoutUnstoredOperations(ops: readonly PatchOp[]): readonly PatchOp[] {
  if (!ops.some(touchesUnstored)) return ops;
  const kept: PatchOp[] = [];
  for (const op of ops) {
    if (!touchesUnstored(op)) kept.push(op);
    else if (!hasAttributePath(op)) kept.push({ ...op, value: withoutUnstoredKeys(op.value as JsonObject) });
  }
  return kept;
}
