import { normalizeFilter } from './normalize-filter.js';
import { findKey, isJsonObject, type JsonObject } from '../json-object.js';
import { URN } from '../scim-urn.js';

/** Spelled the way the core reads them. */
export const CANONICAL_QUERY_PARAMETERS = [
  'filter',
  'startIndex',
  'count',
  'attributes',
  'excludedAttributes',
  'sortBy',
  'sortOrder',
] as const;

const CANONICAL_BY_LOWER = new Map<string, string>(CANONICAL_QUERY_PARAMETERS.map((name) => [name.toLowerCase(), name]));

/** Entra sends names in any case. A repeated parameter, or a second spelling, loses to the first. */
export function normalizeQuery(query: Record<string, string | string[] | undefined>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, raw] of Object.entries(query)) {
    const value = Array.isArray(raw) ? raw[0] : raw;
    if (value === undefined) continue;
    const canonical = CANONICAL_BY_LOWER.get(name.toLowerCase()) ?? name;
    if (canonical in out) continue;
    out[canonical] = normalizeQueryValue(canonical, value);
  }
  return out;
}

function normalizeQueryValue(canonical: string, value: string): string {
  if (canonical === 'filter') return normalizeFilter(value);
  if (canonical === 'startIndex') {
    const index = clampStartIndex(value);
    return typeof index === 'number' ? String(index) : value;
  }
  return value;
}

/** RFC 7644 reads a `startIndex` below 1 as 1; a non-integer is left for the core to reject. */
export function clampStartIndex(value: unknown): unknown {
  const number = typeof value === 'string' && /^\s*[+-]?\d+\s*$/.test(value) ? Number(value) : value;
  if (typeof number !== 'number' || !Number.isInteger(number)) return value;
  return number < 1 ? 1 : typeof value === 'string' ? value.trim() : number;
}

export function normalizeSearchRequest(body: JsonObject): JsonObject {
  const out: JsonObject = {};
  for (const [key, value] of Object.entries(body)) {
    const canonical = CANONICAL_BY_LOWER.get(key.toLowerCase()) ?? key;
    if (canonical in out) continue;
    if (canonical === 'filter' && typeof value === 'string') out[canonical] = normalizeFilter(value);
    else if (canonical === 'startIndex') out[canonical] = clampStartIndex(value);
    else out[canonical] = value;
  }
  return out;
}

export function isSearchRequest(body: unknown): body is JsonObject {
  if (!isJsonObject(body)) return false;
  const key = findKey(body, 'schemas');
  const schemas = key === undefined ? undefined : body[key];
  return (
    Array.isArray(schemas) &&
    schemas.some((s) => typeof s === 'string' && s.toLowerCase() === URN.searchRequest.toLowerCase())
  );
}
