import { deleteKey, getValue, isUnassigned, type JsonObject } from '../json-object.js';

/**
 * A User as a PATCH left it, with `active` false where the PATCH left it unassigned (`remove active`, or `replace`
 * with null). RFC 7644 §3.5.2.2 makes a removed attribute unassigned, and rosterd reads an unassigned `active` as
 * not active: access is never granted by removing an attribute, so removing `active` from a suspended member keeps
 * it suspended, and from an active one deactivates it (through the workspace's policy, like `active: false`).
 */
export function inactiveWhenUnassigned(resource: JsonObject): JsonObject {
  if (!isUnassigned(getValue(resource, 'active'))) return resource;
  const out = { ...resource };
  deleteKey(out, 'active');
  out.active = false;
  return out;
}
