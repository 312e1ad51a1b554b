import { findAttribute } from '../schema/find-attribute.js';
import type { SchemaAttribute } from '../schema/schema-attribute.js';
import { getValue, isJsonObject } from '../json-object.js';

/** Members are identified by `value` alone: Okta re-sends a member with `display`, which must not duplicate it. */
export function identifiedByValue(attribute: SchemaAttribute): boolean {
  return findAttribute(attribute.subAttributes, 'value')?.mutability === 'immutable';
}

/** A key two elements share exactly when they are the same element, so a PATCH can find elements in a Map. */
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
