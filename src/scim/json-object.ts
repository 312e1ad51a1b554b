// Case-insensitive key access: SCIM names are, and IdPs spell keys in any case. Only setKey and deleteKey mutate.
export type JsonObject = Record<string, unknown>;

export function isJsonObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** An exact-case key wins. */
export function findKey(object: JsonObject, name: string): string | undefined {
  if (Object.hasOwn(object, name)) return name;
  const lower = name.toLowerCase();
  // SCIM names are ASCII, so lower-casing keeps length: the length check skips most lower-casing.
  for (const key of Object.keys(object)) if (key.length === lower.length && key.toLowerCase() === lower) return key;
  return undefined;
}

export function getValue(object: JsonObject, name: string): unknown {
  const key = findKey(object, name);
  return key === undefined ? undefined : object[key];
}

export function hasKey(object: JsonObject, name: string): boolean {
  return findKey(object, name) !== undefined;
}

/** Drops any differently-cased spelling of `name`. */
export function setKey(object: JsonObject, name: string, value: unknown): void {
  deleteKey(object, name);
  object[name] = value;
}

export function deleteKey(object: JsonObject, name: string): void {
  const lower = name.toLowerCase();
  for (const key of Object.keys(object)) if (key.length === lower.length && key.toLowerCase() === lower) delete object[key];
}

export function omitKeys(object: JsonObject, drop: (key: string, value: unknown) => boolean): JsonObject {
  const out: JsonObject = {};
  for (const [key, value] of Object.entries(object)) {
    if (!drop(key, value)) out[key] = value;
  }
  return out;
}

export function mapValues(object: JsonObject, map: (key: string, value: unknown) => unknown): JsonObject {
  const out: JsonObject = {};
  for (const [key, value] of Object.entries(object)) out[key] = map(key, value);
  return out;
}

export function jsonEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a) || Array.isArray(b)) {
    return Array.isArray(a) && Array.isArray(b) && a.length === b.length && a.every((item, i) => jsonEqual(item, b[i]));
  }
  if (!isJsonObject(a) || !isJsonObject(b)) return false;
  const keys = Object.keys(a);
  return keys.length === Object.keys(b).length && keys.every((key) => Object.hasOwn(b, key) && jsonEqual(a[key], b[key]));
}

/** Null, an empty array and an empty object all mean "unassigned". */
export function isUnassigned(value: unknown): boolean {
  return value === undefined || value === null || (Array.isArray(value) && value.length === 0) || (isJsonObject(value) && Object.keys(value).length === 0);
}
