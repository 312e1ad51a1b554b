import { formatAttrPath, type FilterNode } from '../filter/filter-ast.js';
import { DEFAULT_FILTER_BUDGETS, type FilterBudgets } from '../filter/filter-budgets.js';
import { parsePatchPath, type PatchPath } from '../filter/parse-path.js';
import { invalidPath, invalidValue, mutability, noTarget } from '../scim-error.js';
import { findAttribute, findSchema, resolveAttributeParts, type SchemaSet } from '../schema/find-attribute.js';
import type { SchemaAttribute, ScimSchema } from '../schema/schema-attribute.js';
import { canonicalElement, canonicalSubValue, canonicalValue } from './canonical-value.js';
import { shownPath, valueExcerpt } from '../../model/value-excerpt.js';
import { deleteKey, findKey, getValue, isJsonObject, isUnassigned, jsonEqual, setKey, type JsonObject } from '../json-object.js';
import { MultiValuedState } from './multi-valued-state.js';
import type { PatchOp } from './patch-op.js';
import { yieldIfDue } from '../../store/event-loop-slices.js';

type OpName = PatchOp['op'];

export interface PatchLimits {
  /** Cap on a multi-valued attribute's size while operations apply. */
  multiValuedEntries?: number;
  /** Budgets for path value filters; defaults when omitted. */
  filter?: Readonly<FilterBudgets>;
}

/**
 * Applies PATCH operations in order to a resource with canonical keys; pure. Names resolve case-insensitively.
 * Read-only attributes may be "changed" to their current value (Okta re-sends `id`); a real change is a
 * mutability error. Linear: the resource is copied once and touched multi-valued attributes are held in
 * MultiValuedState until the end.
 * @throws ScimError invalidPath, noTarget, invalidValue or mutability naming the operation.
 */
export function applyPatch(resource: Record<string, unknown>, ops: readonly PatchOp[], schemas: SchemaSet, limits: PatchLimits = {}): Record<string, unknown> {
  const steps = patchSteps(resource, ops, schemas, limits);
  let step = steps.next();
  while (!step.done) step = steps.next();
  return step.value;
}

const OPS_PER_CHECK = 256;

/** `applyPatch`, yielding to the event loop between slices so a huge PATCH doesn't stall other requests. */
export async function applyPatchInSlices(resource: Record<string, unknown>, ops: readonly PatchOp[], schemas: SchemaSet, limits: PatchLimits = {}): Promise<Record<string, unknown>> {
  const steps = patchSteps(resource, ops, schemas, limits);
  let step = steps.next();
  for (let applied = 1; !step.done; applied++) {
    if (applied % OPS_PER_CHECK === 0) await yieldIfDue();
    step = steps.next();
  }
  return step.value;
}

/** The generator's return value is the patched copy. */
function* patchSteps(resource: Record<string, unknown>, ops: readonly PatchOp[], schemas: SchemaSet, limits: PatchLimits): Generator<void, JsonObject> {
  const next = structuredClone(resource) as JsonObject;
  const work = new PatchWork(limits.multiValuedEntries ?? Number.POSITIVE_INFINITY, limits.filter ?? DEFAULT_FILTER_BUDGETS);
  for (let i = 0; i < ops.length; i++) {
    applyOperation(next, ops[i]!, schemas, work, operationLabel(ops[i]!, i));
    yield;
  }
  work.finish();
  return next;
}

function operationLabel(op: PatchOp, i: number): string {
  const path = op.path === undefined ? '' : ` ${shownPath(op.path)}`;
  return `Operations[${i}] (${op.op}${path})`;
}

/**
 * Multi-valued attributes in progress, by holding object. Their key maps to a placeholder, present exactly while
 * the attribute has values (so an emptied extension is seen as empty); `finish` writes the arrays back.
 */
class PatchWork {
  private readonly held = new Map<JsonObject, Map<string, { state: MultiValuedState; placeholder: unknown[] }>>();

  constructor(
    private readonly maxEntries: number,
    readonly filterBudgets: Readonly<FilterBudgets>,
  ) {}

  state(container: JsonObject, attribute: SchemaAttribute): MultiValuedState {
    let byName = this.held.get(container);
    if (!byName) this.held.set(container, (byName = new Map()));
    let entry = byName.get(attribute.name);
    if (!entry) {
      entry = { state: new MultiValuedState(attribute, asList(getValue(container, attribute.name)), this.maxEntries), placeholder: [] };
      byName.set(attribute.name, entry);
      this.sync(container, attribute.name, entry);
    }
    return entry.state;
  }

  settle(container: JsonObject, attribute: SchemaAttribute): void {
    const entry = this.held.get(container)?.get(attribute.name);
    if (entry) this.sync(container, attribute.name, entry);
  }

  finish(): void {
    for (const [container, byName] of this.held) {
      for (const [name, { state, placeholder }] of byName) if (container[name] === placeholder) container[name] = state.values();
    }
  }

  private sync(container: JsonObject, name: string, entry: { state: MultiValuedState; placeholder: unknown[] }): void {
    if (entry.state.live === 0) deleteKey(container, name);
    else if (container[name] !== entry.placeholder) setKey(container, name, entry.placeholder);
  }
}

function applyOperation(resource: JsonObject, op: PatchOp, schemas: SchemaSet, work: PatchWork, where: string): void {
  if (op.path === undefined) {
    if (op.op === 'remove') throw noTarget(`${where}: remove needs a path naming what to remove`);
    if (!isJsonObject(op.value)) throw invalidValue(`${where}: without a path, the value must be an object of attributes`);
    for (const [key, value] of Object.entries(op.value)) applyValueKey(resource, op.op, key, value, schemas, work, where);
    return;
  }
  // A path that is just an extension URN addresses the whole extension object.
  const schema = findSchema(schemas, op.path.trim());
  if (schema) return applyToSchema(resource, op.op, schema, op.value, schemas, work, where);
  applyPath(resource, op.op, parsePatchPath(op.path, work.filterBudgets), op.value, schemas, work, where);
}

function applyValueKey(resource: JsonObject, op: OpName, key: string, value: unknown, schemas: SchemaSet, work: PatchWork, where: string): void {
  // The server derives `schemas`; clients echo it back in pathless values.
  if (key.toLowerCase() === 'schemas') return;
  const schema = findSchema(schemas, key);
  if (schema) return applyToSchema(resource, op, schema, value, schemas, work, where);
  applyPath(resource, op, parsePatchPath(key, work.filterBudgets), value, schemas, work, where);
}

function applyToSchema(resource: JsonObject, op: OpName, schema: ScimSchema, value: unknown, schemas: SchemaSet, work: PatchWork, where: string): void {
  if (op === 'remove' || value === null) {
    if (schema === schemas.core) throw invalidPath(`${where}: the core schema ${schema.id} cannot be removed`);
    const container = getValue(resource, schema.id);
    if (!isJsonObject(container)) return;
    for (const key of Object.keys(container)) applyPath(resource, 'remove', { uri: schema.id, attribute: key }, undefined, schemas, work, where);
    return;
  }
  if (!isJsonObject(value)) throw invalidValue(`${where}: ${schema.id} needs an object of its attributes`);
  for (const [key, inner] of Object.entries(value)) {
    if (key.toLowerCase() === 'schemas') continue;
    applyPath(resource, op, Object.assign(parsePatchPath(key, work.filterBudgets), { uri: schema.id }), inner, schemas, work, where);
  }
}

function applyPath(resource: JsonObject, op: OpName, path: PatchPath, value: unknown, schemas: SchemaSet, work: PatchWork, where: string): void {
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
  const change: Change = { op, attribute, sub, value, where };
  if (attribute.multiValued) {
    const state = work.state(container, attribute);
    const { changes, live } = state;
    if (path.filter) changeFiltered(state, change, path.filter);
    else if (sub) changeSub(state, change, sub);
    else changeWhole(state, change);
    if (state.changes !== changes) checkMutability(change, live > 0);
    if (attribute.required && live > 0 && state.live === 0) throw mutability(`${where}: ${attribute.name} is required and cannot be removed`);
    work.settle(container, attribute);
  } else {
    const before = getValue(container, attribute.name);
    const after = sub ? nextSub(change, before, sub) : nextWhole(change, before);
    if (!jsonEqual(before, after) && !(isUnassigned(before) && isUnassigned(after))) checkMutability(change, !isUnassigned(before));
    if (isUnassigned(after)) {
      if (attribute.required && !isUnassigned(before)) throw mutability(`${where}: ${attribute.name} is required and cannot be removed`);
      deleteKey(container, attribute.name);
    } else {
      setKey(container, attribute.name, after);
    }
  }
  if (schema !== schemas.core && Object.keys(container).length === 0) dropExtension(resource, schema);
}

interface Change {
  op: OpName;
  attribute: SchemaAttribute;
  sub: SchemaAttribute | undefined;
  value: unknown;
  where: string;
}

/** Checked only for operations that really change the attribute: re-sending the current value is not a change. */
function checkMutability({ attribute, sub, where }: Change, hadValue: boolean): void {
  if (attribute.mutability === 'readOnly') throw mutability(`${where}: ${attribute.name} is read-only`);
  if (attribute.mutability === 'immutable' && hadValue) throw mutability(`${where}: ${attribute.name} is immutable and already has a value`);
  if (sub?.mutability === 'readOnly') throw mutability(`${where}: ${attribute.name}.${sub.name} is read-only`);
  if (sub?.mutability === 'immutable') throw mutability(`${where}: ${attribute.name}.${sub.name} is immutable; remove the value and add a new one`);
}

function nextWhole({ op, attribute, value, where }: Change, current: unknown): unknown {
  if (op === 'remove' || value === null) return undefined;
  // add and replace on a complex attribute set the given sub-attributes and leave the others unchanged.
  if (attribute.type === 'complex') return mergeComplex(attribute, current, value, where);
  return canonicalValue(attribute, value, where);
}

function nextSub({ op, attribute, value, where }: Change, current: unknown, sub: SchemaAttribute): unknown {
  const subValue = op === 'remove' ? null : canonicalSubValue(sub, value, `${where} ${attribute.name}.${sub.name}`);
  return withSub(isJsonObject(current) ? current : {}, sub.name, subValue);
}

function changeWhole(state: MultiValuedState, { op, attribute, value, where }: Change): void {
  if (op === 'remove') {
    if (value === undefined || value === null) return state.removeSlots(state.liveSlots());
    // A remove with a value list removes the listed values, never all of them.
    const listed = canonicalValue(attribute, value, where) as unknown[];
    return state.removeSlots(listed.flatMap((item) => state.listed(item)));
  }
  if (value === null) return state.removeSlots(state.liveSlots());
  const incoming = canonicalValue(attribute, value, where) as unknown[];
  const touched = op === 'add' ? state.addDistinct(incoming, where) : state.replaceAll(incoming, where);
  state.keepSinglePrimary(touched, where);
}

function changeSub(state: MultiValuedState, { op, attribute, value, where }: Change, sub: SchemaAttribute): void {
  const subValue = op === 'remove' ? null : canonicalSubValue(sub, value, `${where} ${attribute.name}.${sub.name}`);
  const slots = state.liveSlots();
  if (op !== 'remove' && slots.length === 0) {
    throw noTarget(`${where}: there is no ${attribute.name} value to set ${sub.name} on; add whole values, or use a filter`);
  }
  for (const slot of slots) {
    const element = state.at(slot);
    if (isJsonObject(element)) state.set(slot, withSub(element, sub.name, subValue));
  }
  state.keepSinglePrimary(slots, where);
}

function changeFiltered(state: MultiValuedState, { op, attribute, sub, value, where }: Change, filter: FilterNode): void {
  const caseExact = (p: { attribute: string }) => findAttribute(attribute.subAttributes, p.attribute)?.caseExact ?? false;
  const matched = state.select(filter, caseExact);
  if (matched.length === 0) {
    // Entra adds `roles[primary eq "True"].value` to users without such a value: an add whose filter is plain
    // equalities creates the element the filter describes.
    const seed = op === 'add' ? elementOfFilter(attribute, filter, where) : undefined;
    // Otherwise a filter that selects nothing is an error, not a silent no-op.
    if (!seed) throw noTarget(`${where}: no value of ${attribute.name} matches the filter`);
    const created = sub
      ? withSub(seed, sub.name, canonicalSubValue(sub, value, `${where} ${attribute.name}.${sub.name}`))
      : mergeComplex(attribute, seed, value, where);
    return state.keepSinglePrimary([state.append(created, where)], where);
  }
  if (op === 'remove' && !sub) return state.removeSlots(matched);
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
  for (const slot of matched) state.set(slot, replacement(state.at(slot) as JsonObject));
  state.keepSinglePrimary(matched, where);
}

/** The element an equality-only filter describes, else undefined. Recursion per and-term is bounded by filterTerms. */
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

/** A null sub-attribute is removed. */
function mergeComplex(attribute: SchemaAttribute, current: unknown, value: unknown, where: string): JsonObject {
  if (Array.isArray(value) && !attribute.multiValued) throw invalidValue(`${where}: ${attribute.name} is single-valued; got an array`);
  if (!isJsonObject(value)) throw invalidValue(`${where}: ${attribute.name} is complex and needs an object of sub-attributes, got ${valueExcerpt(value, attribute.name)}`);
  let out: JsonObject = isJsonObject(current) ? { ...current } : {};
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

function containerFor(resource: JsonObject, schema: ScimSchema, schemas: SchemaSet, create: boolean): JsonObject | undefined {
  if (schema === schemas.core) return resource;
  const key = findKey(resource, schema.id);
  const existing = key === undefined ? undefined : resource[key];
  if (isJsonObject(existing)) {
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
