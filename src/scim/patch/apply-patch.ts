import { formatAttrPath, type FilterNode } from '../filter/filter-ast.js';
import { matchesFilter } from '../filter/evaluate-filter.js';
import { parsePatchPath, type PatchPath } from '../filter/parse-path.js';
import { invalidPath, invalidValue, mutability, noTarget } from '../scim-error.js';
import { findAttribute, findSchema, resolveAttributeParts, type SchemaSet } from '../schema/find-attribute.js';
import type { SchemaAttribute, ScimSchema } from '../schema/schema-attribute.js';
import { canonicalElement, canonicalSubValue, canonicalValue } from './canonical-value.js';
import { deleteKey, findKey, getKey, isObject, isUnassigned, jsonEqual, setKey, type JsonObject } from './json-value.js';
import { appendDistinct, matchesListed, withSinglePrimary } from './multi-valued.js';
import type { PatchOp } from './patch-op.js';

type OpName = PatchOp['op'];

/**
 * Apply RFC 7644 §3.5.2 operations, in order, to a SCIM JSON resource whose keys are canonical
 * (core attributes at the top, extension attributes under their URN). Pure: the input is not
 * touched and a new object is returned. Attribute names in paths and values resolve
 * case-insensitively to their canonical spelling. Read-only attributes may be "changed" to the
 * value they already have (Okta re-sends `id`); any real change to them is a mutability error.
 * @throws ScimError invalidPath, noTarget, invalidValue or mutability, naming the operation.
 */
export function applyPatch(resource: Record<string, unknown>, ops: readonly PatchOp[], schemas: SchemaSet): Record<string, unknown> {
  const next = structuredClone(resource) as JsonObject;
  ops.forEach((op, i) => applyOperation(next, op, schemas, `Operations[${i}] (${op.op}${op.path !== undefined ? ` ${op.path}` : ''})`));
  return next;
}

function applyOperation(resource: JsonObject, op: PatchOp, schemas: SchemaSet, where: string): void {
  if (op.path === undefined) {
    if (op.op === 'remove') throw noTarget(`${where}: remove needs a path naming what to remove`);
    if (!isObject(op.value)) throw invalidValue(`${where}: without a path, the value must be an object of attributes`);
    for (const [key, value] of Object.entries(op.value)) applyValueKey(resource, op.op, key, value, schemas, where);
    return;
  }
  // A path that is just an extension URN addresses the whole extension object.
  const schema = findSchema(schemas, op.path.trim());
  if (schema) return applyToSchema(resource, op.op, schema, op.value, schemas, where);
  applyPath(resource, op.op, parsePatchPath(op.path), op.value, schemas, where);
}

/** A key of a pathless value: an attribute, `name.givenName`, `urn:…:User:employeeNumber` or a whole-schema URN. */
function applyValueKey(resource: JsonObject, op: OpName, key: string, value: unknown, schemas: SchemaSet, where: string): void {
  // The server derives `schemas` from the attributes present; clients echo it back in pathless values.
  if (key.toLowerCase() === 'schemas') return;
  const schema = findSchema(schemas, key);
  if (schema) return applyToSchema(resource, op, schema, value, schemas, where);
  applyPath(resource, op, parsePatchPath(key), value, schemas, where);
}

function applyToSchema(resource: JsonObject, op: OpName, schema: ScimSchema, value: unknown, schemas: SchemaSet, where: string): void {
  if (op === 'remove' || value === null) {
    if (schema === schemas.core) throw invalidPath(`${where}: the core schema ${schema.id} cannot be removed`);
    const container = getKey(resource, schema.id);
    if (!isObject(container)) return;
    for (const key of Object.keys(container)) applyPath(resource, 'remove', { uri: schema.id, attribute: key }, undefined, schemas, where);
    return;
  }
  if (!isObject(value)) throw invalidValue(`${where}: ${schema.id} needs an object of its attributes`);
  for (const [key, inner] of Object.entries(value)) {
    if (key.toLowerCase() === 'schemas') continue;
    applyPath(resource, op, Object.assign(parsePatchPath(key), { uri: schema.id }), inner, schemas, where);
  }
}

function applyPath(resource: JsonObject, op: OpName, path: PatchPath, value: unknown, schemas: SchemaSet, where: string): void {
  const resolved = resolveAttributeParts(schemas, { ...(path.uri !== undefined ? { uri: path.uri } : {}), attribute: path.attribute });
  if (!resolved) throw invalidPath(`${where}: unknown attribute ${formatAttrPath({ ...path, subAttribute: undefined })}`);
  const { schema, attribute } = resolved;
  const sub = path.subAttribute === undefined ? undefined : findAttribute(attribute.subAttributes, path.subAttribute);
  if (path.subAttribute !== undefined && !sub) throw invalidPath(`${where}: ${attribute.name} has no sub-attribute "${path.subAttribute}"`);
  if (path.filter && !attribute.multiValued) throw invalidPath(`${where}: ${attribute.name} is single-valued and cannot take a value filter`);

  const container = containerFor(resource, schema, schemas, op !== 'remove');
  if (!container) {
    if (path.filter) throw noTarget(`${where}: no value of ${attribute.name} matches the filter`);
    return;
  }
  const before = getKey(container, attribute.name);
  const change: Change = { op, attribute, sub, current: before, value, where };
  const after = path.filter ? nextFiltered(change, path) : sub ? nextSub(change, sub) : nextWhole(change);
  checkMutability(change, after);
  if (isUnassigned(after)) {
    if (attribute.required && !isUnassigned(before)) throw mutability(`${where}: ${attribute.name} is required and cannot be removed`);
    deleteKey(container, attribute.name);
  } else {
    setKey(container, attribute.name, after);
  }
  if (schema !== schemas.core && Object.keys(container).length === 0) dropExtension(resource, schema);
}

interface Change {
  op: OpName;
  attribute: SchemaAttribute;
  sub: SchemaAttribute | undefined;
  current: unknown;
  value: unknown;
  where: string;
}

/** RFC 7644 §3.5.2: operations must respect mutability (RFC 7643 §2.2); re-sending the current value is not a change. */
function checkMutability({ attribute, sub, current, where }: Change, after: unknown): void {
  if (jsonEqual(current, after) || (isUnassigned(current) && isUnassigned(after))) return;
  if (attribute.mutability === 'readOnly') throw mutability(`${where}: ${attribute.name} is read-only`);
  if (attribute.mutability === 'immutable' && !isUnassigned(current)) throw mutability(`${where}: ${attribute.name} is immutable and already has a value`);
  if (sub?.mutability === 'readOnly') throw mutability(`${where}: ${attribute.name}.${sub.name} is read-only`);
  if (sub?.mutability === 'immutable') throw mutability(`${where}: ${attribute.name}.${sub.name} is immutable; remove the value and add a new one`);
}

/** Target is the whole attribute: `emails`, `displayName`, `name`. */
function nextWhole({ op, attribute, current, value, where }: Change): unknown {
  if (op === 'remove') {
    // `{"op":"remove","path":"members","value":[{"value":"u1"}]}` removes the listed values, never all of them.
    if (!attribute.multiValued || value === undefined || value === null) return undefined;
    const listed = canonicalValue(attribute, value, where) as unknown[];
    return asList(current).filter((element) => !listed.some((item) => matchesListed(attribute, item, element)));
  }
  if (value === null) return undefined;
  if (attribute.multiValued) {
    const incoming = canonicalValue(attribute, value, where) as unknown[];
    const previous = op === 'add' ? asList(current) : [];
    return withSinglePrimary(attribute, previous, op === 'add' ? appendDistinct(attribute, previous, incoming) : incoming, where);
  }
  // RFC 7644 §3.5.2.1 and §3.5.2.3: add and replace on a complex attribute set the given
  // sub-attributes and leave the others unchanged.
  if (attribute.type === 'complex') return mergeComplex(attribute, current, value, where);
  return canonicalValue(attribute, value, where);
}

/** Target is a sub-attribute without a filter: `name.familyName`, or `emails.type` (every value). */
function nextSub({ op, attribute, current, value, where }: Change, sub: SchemaAttribute): unknown {
  const subValue = op === 'remove' ? null : canonicalSubValue(sub, value, `${where} ${attribute.name}.${sub.name}`);
  if (!attribute.multiValued) return withSub(isObject(current) ? current : {}, sub.name, subValue);
  const list = asList(current);
  if (op !== 'remove' && list.length === 0) {
    throw noTarget(`${where}: there is no ${attribute.name} value to set ${sub.name} on; add whole values, or use a filter`);
  }
  return withSinglePrimary(attribute, list, list.map((element) => (isObject(element) ? withSub(element, sub.name, subValue) : element)), where);
}

/** Target is selected by a value filter: `emails[type eq "work"]`, `members[value eq "x"]`, `emails[…].value`. */
function nextFiltered({ op, attribute, sub, current, value, where }: Change, path: PatchPath): unknown {
  const list = asList(current);
  const caseExact = (p: { attribute: string }) => findAttribute(attribute.subAttributes, p.attribute)?.caseExact ?? false;
  const matched = list.map((element) => isObject(element) && matchesFilter(path.filter!, element, { caseExact }));
  if (!matched.some(Boolean)) {
    // Entra adds `roles[primary eq "True"].value` (and `emails[type eq "work"].value`) to a user that has no such
    // value yet: an add whose filter is plain equalities creates the element the filter describes.
    const seed = op === 'add' ? elementOfFilter(attribute, path.filter!, where) : undefined;
    // RFC 7644 §3.5.2.2 and §3.5.2.3: otherwise a filter that selects nothing is an error, not a silent no-op.
    if (!seed) throw noTarget(`${where}: no value of ${attribute.name} matches the filter`);
    const created = sub
      ? withSub(seed, sub.name, canonicalSubValue(sub, value, `${where} ${attribute.name}.${sub.name}`))
      : mergeComplex(attribute, seed, value, where);
    return withSinglePrimary(attribute, list, [...list, created], where);
  }
  if (op === 'remove' && !sub) return list.filter((_, i) => !matched[i]);
  let replacement: (element: JsonObject) => unknown;
  if (sub) {
    const subValue = op === 'remove' ? null : canonicalSubValue(sub, value, `${where} ${attribute.name}.${sub.name}`);
    replacement = (element) => withSub(element, sub.name, subValue);
  } else if (op === 'replace') {
    const incoming = canonicalElement(attribute, value, `${where} ${attribute.name}`);
    replacement = () => structuredClone(incoming);
  } else {
    replacement = (element) => mergeComplex(attribute, element, value, where);
  }
  const result = list.map((element, i) => (matched[i] ? replacement(element as JsonObject) : element));
  return withSinglePrimary(attribute, list, result, where);
}

/** The element `type eq "work" and primary eq true` describes, or undefined when the filter is not only equalities. */
function elementOfFilter(attribute: SchemaAttribute, filter: FilterNode, where: string): JsonObject | undefined {
  if (filter.op === 'and') {
    const left = elementOfFilter(attribute, filter.left, where);
    const right = left && elementOfFilter(attribute, filter.right, where);
    return right && { ...left, ...right };
  }
  if (filter.op !== 'eq' || filter.path.uri !== undefined || filter.path.subAttribute !== undefined) return undefined;
  const sub = findAttribute(attribute.subAttributes, filter.path.attribute);
  if (!sub || filter.value === null) return undefined;
  return { [sub.name]: canonicalSubValue(sub, filter.value, `${where} ${attribute.name}.${sub.name}`) };
}

/** Set the sub-attributes a value names on a copy of `current`; a null sub-attribute is removed. */
function mergeComplex(attribute: SchemaAttribute, current: unknown, value: unknown, where: string): JsonObject {
  if (Array.isArray(value) && !attribute.multiValued) throw invalidValue(`${where}: ${attribute.name} is single-valued; got an array`);
  if (!isObject(value)) throw invalidValue(`${where}: ${attribute.name} is complex and needs an object of sub-attributes, got ${JSON.stringify(value)}`);
  let out: JsonObject = isObject(current) ? { ...current } : {};
  for (const [key, subValue] of Object.entries(value)) {
    const sub = findAttribute(attribute.subAttributes, key);
    out = withSub(out, sub?.name ?? key, sub ? canonicalSubValue(sub, subValue, `${where} ${attribute.name}.${sub.name}`) : subValue);
  }
  return out;
}

function withSub(element: JsonObject, name: string, value: unknown): JsonObject {
  const out = { ...element };
  if (value === null || value === undefined) deleteKey(out, name);
  else setKey(out, name, value);
  return out;
}

/** The object holding the schema's attributes: the resource itself, or the extension's URN-keyed object. */
function containerFor(resource: JsonObject, schema: ScimSchema, schemas: SchemaSet, create: boolean): JsonObject | undefined {
  if (schema === schemas.core) return resource;
  const key = findKey(resource, schema.id);
  const existing = key === undefined ? undefined : resource[key];
  if (isObject(existing)) {
    if (key !== schema.id) setKey(resource, schema.id, existing);
    return existing;
  }
  if (!create) return undefined;
  const created: JsonObject = {};
  setKey(resource, schema.id, created);
  const listed = resource.schemas;
  if (Array.isArray(listed) && !listed.some((urn) => typeof urn === 'string' && urn.toLowerCase() === schema.id.toLowerCase())) {
    resource.schemas = [...listed, schema.id];
  }
  return created;
}

function dropExtension(resource: JsonObject, schema: ScimSchema): void {
  deleteKey(resource, schema.id);
  if (Array.isArray(resource.schemas)) {
    resource.schemas = resource.schemas.filter((urn) => !(typeof urn === 'string' && urn.toLowerCase() === schema.id.toLowerCase()));
  }
}

function asList(value: unknown): unknown[] {
  if (value === undefined || value === null) return [];
  return Array.isArray(value) ? value : [value];
}
