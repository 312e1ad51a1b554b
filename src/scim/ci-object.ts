/**
 * SCIM attribute names and schema URNs are case-insensitive (RFC 7643 §2.1): `DisplayName` is `displayName`.
 * These helpers read a JSON object that way without rewriting it.
 */
export type JsonObject = Record<string, unknown>;

export const isObject = (value: unknown): value is JsonObject =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** The value under `key`, matched case-insensitively; `undefined` when absent. */
export function getCi(obj: JsonObject, key: string): unknown {
  if (Object.hasOwn(obj, key)) return obj[key];
  const lower = key.toLowerCase();
  // Lower-casing preserves the length of these ASCII names: comparing lengths first skips most allocations.
  for (const k of Object.keys(obj)) if (k.length === lower.length && k.toLowerCase() === lower) return obj[k];
  return undefined;
}

/** True when `key` is present (case-insensitively), even with a null or empty value. */
export function hasCi(obj: JsonObject, key: string): boolean {
  if (Object.hasOwn(obj, key)) return true;
  const lower = key.toLowerCase();
  return Object.keys(obj).some((k) => k.length === lower.length && k.toLowerCase() === lower);
}
