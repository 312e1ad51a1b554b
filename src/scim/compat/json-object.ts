/**
 * Small helpers for reading the loosely-typed JSON an IdP sends.
 *
 * IdPs spell keys in any case (`Operations`, `Op`, `Active`, `Primary`: see idp-scim-quirks.md, Entra 1 and 11),
 * and RFC 7643 §2.1 says attribute names are case-insensitive, so every lookup the compat layer does goes
 * through `findKey`. Nothing here mutates its input: every transform returns a copy.
 */

export type JsonObject = { [key: string]: unknown };

export function isJsonObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The key of `object` that equals `name` case-insensitively (the first one, in insertion order). */
export function findKey(object: JsonObject, name: string): string | undefined {
  const wanted = name.toLowerCase();
  return Object.keys(object).find((key) => key.toLowerCase() === wanted);
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
