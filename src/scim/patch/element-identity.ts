import { findAttribute } from '../schema/find-attribute.js';
import type { SchemaAttribute } from '../schema/schema-attribute.js';
import { getValue, isJsonObject } from '../json-object.js';

/**
 * Group members (and anything whose `value` is immutable) are identified by `value` alone: Okta
 * re-sends a member with `display`, which must not make it a second member. Other elements are the
 * same only when they are equal as JSON.
 */
export function identifiedByValue(attribute: SchemaAttribute): boolean {
  return findAttribute(attribute.subAttributes, 'value')?.mutability === 'immutable';
}

/**
 * A string two elements share exactly when they are the same element of `attribute`: their `value` when the
 * attribute is identified by it, else their JSON with object keys sorted (JSON equality ignores key order).
 * It lets a PATCH find an element in a Map instead of comparing it with every other.
 */
export function elementIdentity(byValue: boolean, element: unknown): string {
  if (byValue && isJsonObject(element)) return `v${JSON.stringify(getValue(element, 'value') ?? null)}`;
  return `j${sortedJson(element)}`;
}

function sortedJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(sortedJson).join(',')}]`;
  if (isJsonObject(value)) {
    const keys = Object.keys(value).filter((key) => value[key] !== undefined).sort();
    return `{${keys.map((key) => `${JSON.stringify(key)}:${sortedJson(value[key])}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}
