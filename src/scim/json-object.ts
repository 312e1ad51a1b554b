/**
 * The loosely-typed JSON objects of SCIM requests and resources, read the way RFC 7643 §2.1 says: attribute names
 * and schema URNs are case-insensitive, so `DisplayName` is `displayName`, and IdPs spell keys in any case
 * (`Operations`, `Op`, `Active`, `Primary`: Entra quirks 1 and 11). Lookups find a key in any case without rewriting
 * the object; `omitKeys` and `mapValues` return copies; `setKey` and `deleteKey` change the object they are given.
 */
export type JsonObject = Record<string, unknown>;

export function isJsonObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * The key of `object` for `name`: `name` itself when present, else the first key (in insertion order) equal to it
 * case-insensitively; `undefined` when there is none.
 */
export function findKey(object: JsonObject, name: string): string | undefined {
  if (Object.hasOwn(object, name)) return name;
  const lower = name.toLowerCase();
  // Lower-casing keeps the length of ASCII names, and SCIM attribute names and URNs are ASCII: comparing lengths
  // first skips lower-casing most keys.
  for (const key of Object.keys(object)) if (key.length === lower.length && key.toLowerCase() === lower) return key;
  return undefined;
}

/** The value under `name`, matched case-insensitively; `undefined` when absent. */
export function getValue(object: JsonObject, name: string): unknown {
  const key = findKey(object, name);
  return key === undefined ? undefined : object[key];
}

/** True when `name` is present (case-insensitively), even with a null or empty value. */
export function hasKey(object: JsonObject, name: string): boolean {
  return findKey(object, name) !== undefined;
}

/** Sets `value` under the canonical `name`, dropping any differently-cased spelling of it. */
export function setKey(object: JsonObject, name: string, value: unknown): void {
  deleteKey(object, name);
  object[name] = value;
}

/** Deletes `name` in every spelling. */
export function deleteKey(object: JsonObject, name: string): void {
  const lower = name.toLowerCase();
  for (const key of Object.keys(object)) if (key.length === lower.length && key.toLowerCase() === lower) delete object[key];
}

/** A copy of `object` without the keys for which `drop(key, value)` is true. */
export function omitKeys(object: JsonObject, drop: (key: string, value: unknown) => boolean): JsonObject {
  const out: JsonObject = {};
  for (const [key, value] of Object.entries(object)) {
    if (!drop(key, value)) out[key] = value;
  }
  return out;
}

/** A copy of `object` with each value passed through `map(key, value)`. */
export function mapValues(object: JsonObject, map: (key: string, value: unknown) => unknown): JsonObject {
  const out: JsonObject = {};
  for (const [key, value] of Object.entries(object)) out[key] = map(key, value);
  return out;
}

/** Structural equality of JSON values; object key order does not matter. */
export function jsonEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a) || Array.isArray(b)) {
    return Array.isArray(a) && Array.isArray(b) && a.length === b.length && a.every((item, i) => jsonEqual(item, b[i]));
  }
  if (!isJsonObject(a) || !isJsonObject(b)) return false;
  const keys = Object.keys(a);
  return keys.length === Object.keys(b).length && keys.every((key) => Object.hasOwn(b, key) && jsonEqual(a[key], b[key]));
}

/** RFC 7643 §2.5: null, an empty array and an empty object all mean "unassigned". */
export function isUnassigned(value: unknown): boolean {
  return value === undefined || value === null || (Array.isArray(value) && value.length === 0) || (isJsonObject(value) && Object.keys(value).length === 0);
}
