import { invalidValue } from '../scim-error.js';
import { normalizeDateTime } from '../filter/normalize-date-time.js';
import { findAttribute } from '../schema/find-attribute.js';
import type { SchemaAttribute } from '../schema/schema-attribute.js';
import { valueExcerpt } from '../../model/value-excerpt.js';
import { isJsonObject, type JsonObject } from '../json-object.js';

/**
 * A PATCH value checked against its attribute and rewritten with canonical sub-attribute names. Null
 * sub-attributes are dropped (null means unassigned; Entra sends `"$ref": null`); unknown ones are kept. A single
 * element for a multi-valued attribute becomes a one-element array; an array for a single-valued one is refused.
 * @throws ScimError invalidValue naming the attribute and the expected type.
 */
export function canonicalValue(attribute: SchemaAttribute, value: unknown, where: string): unknown {
  if (value === null || value === undefined) return null;
  if (attribute.multiValued) {
    const items = Array.isArray(value) ? value : [value];
    return items.map((item, i) => canonicalElement(attribute, item, `${where} ${attribute.name}[${i}]`));
  }
  if (Array.isArray(value)) throw invalidValue(`${where}: ${attribute.name} is single-valued; got an array`);
  return canonicalElement(attribute, value, `${where} ${attribute.name}`);
}

export function canonicalElement(attribute: SchemaAttribute, value: unknown, where: string): unknown {
  if (attribute.type !== 'complex') return checkScalar(attribute, value, where);
  if (!isJsonObject(value)) throw invalidValue(`${where}: ${attribute.name} is complex and needs an object of sub-attributes, got ${valueExcerpt(value, attribute.name)}`);
  const out: JsonObject = {};
  for (const [key, subValue] of Object.entries(value)) {
    if (subValue === null || subValue === undefined) continue;
    const sub = findAttribute(attribute.subAttributes, key);
    out[sub?.name ?? key] = sub ? checkScalar(sub, subValue, `${where}.${sub.name}`) : subValue;
  }
  return out;
}

export function canonicalSubValue(sub: SchemaAttribute, value: unknown, where: string): unknown {
  if (value === null || value === undefined) return null;
  return checkScalar(sub, value, where);
}

function checkScalar(attribute: SchemaAttribute, value: unknown, where: string): unknown {
  const refuse = (expected: string) => invalidValue(`${where} must be ${expected}, got ${valueExcerpt(value, attribute.name)}`);
  switch (attribute.type) {
    case 'string':
    case 'reference':
    case 'binary':
      if (typeof value !== 'string') throw refuse('a string');
      return value;
    case 'boolean':
      if (typeof value !== 'boolean') throw refuse('true or false');
      return value;
    case 'integer':
      if (typeof value !== 'number' || !Number.isInteger(value)) throw refuse('an integer');
      return value;
    case 'decimal':
      if (typeof value !== 'number' || !Number.isFinite(value)) throw refuse('a number');
      return value;
    case 'dateTime':
      if (typeof value !== 'string' || normalizeDateTime(value) === undefined) throw refuse('an ISO-8601 date-time');
      return value;
    case 'complex':
      if (!isJsonObject(value)) throw refuse('an object');
      return value;
  }
}
