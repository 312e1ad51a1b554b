import { invalidValue } from '../scim-error.js';
import { findAttribute } from '../schema/find-attribute.js';
import type { SchemaAttribute } from '../schema/schema-attribute.js';
import { getKey, isObject, jsonEqual } from './json-value.js';

/**
 * Group members (and anything whose `value` is immutable) are identified by `value` alone: Okta
 * re-sends a member with `display`, which must not make it a second member. Other elements are the
 * same only when they are equal as JSON.
 */
function identifiedByValue(attribute: SchemaAttribute): boolean {
  return findAttribute(attribute.subAttributes, 'value')?.mutability === 'immutable';
}

export function sameElement(attribute: SchemaAttribute, a: unknown, b: unknown): boolean {
  if (identifiedByValue(attribute) && isObject(a) && isObject(b)) return getKey(a, 'value') === getKey(b, 'value');
  return jsonEqual(a, b);
}

/** RFC 7644 §3.5.2.1: adding a value that is already there changes nothing. */
export function appendDistinct(attribute: SchemaAttribute, current: readonly unknown[], incoming: readonly unknown[]): unknown[] {
  const out = [...current];
  for (const item of incoming) if (!out.some((existing) => sameElement(attribute, existing, item))) out.push(item);
  return out;
}

/**
 * Whether `element` is one the client listed in a remove's value: its identity for members, else
 * every sub-attribute the client gave is equal (`{"value": "a@x"}` removes that email whatever its type).
 */
export function matchesListed(attribute: SchemaAttribute, listed: unknown, element: unknown): boolean {
  if (identifiedByValue(attribute) || !isObject(listed) || !isObject(element)) return sameElement(attribute, listed, element);
  return Object.entries(listed).every(([key, value]) => jsonEqual(getKey(element, key), value));
}

const isPrimary = (element: unknown) => isObject(element) && element.primary === true;

/**
 * RFC 7643 §2.4: "primary" may be true for at most one value. When an operation makes a value
 * primary, the others stop being primary; an operation that makes two values primary at once is refused.
 * `previous` holds the elements as they were, by reference: anything else in `result` is new or changed.
 */
export function withSinglePrimary(attribute: SchemaAttribute, previous: readonly unknown[], result: unknown[], where: string): unknown[] {
  if (!findAttribute(attribute.subAttributes, 'primary')) return result;
  const hadPrimary = new Set(previous.filter(isPrimary));
  const fresh = result.filter((element) => isPrimary(element) && !hadPrimary.has(element));
  if (fresh.length > 1) throw invalidValue(`${where}: only one ${attribute.name} value may have "primary": true`);
  const chosen = fresh[0];
  if (chosen === undefined) return result;
  return result.map((element) => (element !== chosen && isPrimary(element) ? { ...(element as object), primary: false } : element));
}
