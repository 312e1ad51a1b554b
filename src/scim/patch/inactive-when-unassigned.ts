import { deleteKey, getValue, isUnassigned, type JsonObject } from '../json-object.js';

/**
 * An unassigned `active` after a PATCH reads as false: access is never granted by removing an attribute, so removing
 * `active` deactivates (through the workspace policy) or keeps a suspended member suspended.
 */
export function inactiveWhenUnassigned(resource: JsonObject): JsonObject {
  if (!isUnassigned(getValue(resource, 'active'))) return resource;
  const out = { ...resource };
  deleteKey(out, 'active');
  out.active = false;
  return out;
}
