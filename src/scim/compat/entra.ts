import { invalidValue } from '../scim-error.js';
import { findKey, isJsonObject, mapValues, omitKeys, type JsonObject } from '../json-object.js';
import { normalizePathFilter } from './normalize-filter.js';
import { withValue, type PatchOperation } from './patch-operation.js';
import { isKnownSchemaUrn, parsePathTarget, splitUrnQualified } from './scim-path.js';
import { URN } from '../scim-urn.js';

// Microsoft Entra ID's SCIM dialect, normalised at the edge so the core can stay strict RFC 7643/7644.
// Every function is pure and returns a copy.
/** Multi-valued attributes whose elements carry a boolean `primary`. */
const MULTI_VALUED_WITH_PRIMARY = new Set([
  'emails',
  'phonenumbers',
  'addresses',
  'roles',
  'ims',
  'photos',
  'entitlements',
  'x509certificates',
]);

/** Entra's example group POST lists this non-SCIM schema next to the core Group schema. */
export const ADSCIM_GROUP_SCHEMA = 'http://schemas.microsoft.com/2006/11/ResourceManagement/ADSCIM/2.0/Group';

const ENTERPRISE_MANAGER = `${URN.enterpriseUser}:manager`.toLowerCase();

/** Entra capitalises `op` ("Replace"); the core accepts lower case only. */
export function lowerCaseOp(op: PatchOperation): PatchOperation {
  const lower = op.op.toLowerCase();
  return lower === op.op ? op : Object.assign({}, op, { op: lower });
}

/** `"True"` / `"False"` (any case) → boolean; anything else unchanged. */
export function coerceStringBoolean(value: unknown): unknown {
  if (typeof value !== 'string') return value;
  const lower = value.toLowerCase();
  return lower === 'true' ? true : lower === 'false' ? false : value;
}

/** The core attribute a body key names, lower-cased; null for custom extensions, whose types are unknown here. */
function coreAttributeOfKey(key: string): string | null {
  if (!key.includes(':')) return key.toLowerCase();
  const { schema, rest } = splitUrnQualified(key);
  return schema !== undefined && isKnownSchemaUrn(schema) ? rest.toLowerCase() : null;
}

function coercePrimaryInElements(value: unknown): unknown {
  const coerceElement = (element: unknown) =>
    isJsonObject(element)
      ? mapValues(element, (key, v) => (key.toLowerCase() === 'primary' ? coerceStringBoolean(v) : v))
      : element;
  return Array.isArray(value) ? value.map(coerceElement) : coerceElement(value);
}

/**
 * String booleans in a body or pathless PATCH value become booleans, for `active` and for `primary` inside
 * multi-valued elements only; other strings that read "True" (a displayName) are left alone.
 */
export function coerceResourceBooleans(resource: JsonObject): JsonObject {
  return mapValues(resource, (key, value) => {
    if (isKnownSchemaUrn(key) && isJsonObject(value)) return coerceResourceBooleans(value);
    const attribute = coreAttributeOfKey(key);
    if (attribute === 'active') return coerceStringBoolean(value);
    if (attribute !== null && MULTI_VALUED_WITH_PRIMARY.has(attribute)) return coercePrimaryInElements(value);
    return value;
  });
}

/** String booleans in PATCH values, by path; booleans inside a path filter are handled by normalizeOpPathFilter. */
export function coercePatchOpBooleans(op: PatchOperation): PatchOperation {
  if (op.value === undefined) return op;
  if (op.path === undefined || isKnownSchemaUrn(op.path.trim())) {
    return isJsonObject(op.value) ? withValue(op, coerceResourceBooleans(op.value)) : op;
  }
  const target = parsePathTarget(op.path);
  if (target === null || (target.schema !== undefined && !isKnownSchemaUrn(target.schema))) return op;
  if (target.attribute === 'active' && target.subAttribute === undefined && target.filter === undefined) {
    return withValue(op, coerceStringBoolean(op.value));
  }
  if (MULTI_VALUED_WITH_PRIMARY.has(target.attribute)) {
    if (target.subAttribute === 'primary') return withValue(op, coerceStringBoolean(op.value));
    if (target.subAttribute === undefined) return withValue(op, coercePrimaryInElements(op.value));
  }
  return op;
}

/** The path's value filter is normalised like a query filter: `roles[primary eq "True"]` → `roles[primary eq true]`. */
export function normalizeOpPathFilter(op: PatchOperation): PatchOperation {
  if (op.path === undefined) return op;
  const path = normalizePathFilter(op.path);
  return path === op.path ? op : Object.assign({}, op, { path });
}

/**
 * True when a pathless value's key names a sub-attribute or URN-qualified attribute, so it needs its own op. A
 * whole schema URN key with an object value is standard and stays; under unknown URNs an object value is read as a
 * whole extension.
 */
function isQualifiedKey(key: string, value: unknown): boolean {
  if (key.includes(':')) {
    if (isKnownSchemaUrn(key)) return false;
    const { schema } = splitUrnQualified(key);
    if (schema !== undefined && isKnownSchemaUrn(schema)) return true;
    return !isJsonObject(value);
  }
  return key.includes('.');
}

/**
 * Entra's aadOptscim062020 flag sends one pathless replace with dotted and URN-qualified keys. Plain keys stay in
 * one pathless op (first); each qualified key gets its own op, in order. Only add and replace have a pathless form.
 */
export function splitQualifiedPathlessOp(op: PatchOperation): PatchOperation[] {
  const verb = op.op.toLowerCase();
  if (op.path !== undefined || !isJsonObject(op.value) || (verb !== 'add' && verb !== 'replace')) return [op];
  const plain: JsonObject = {};
  const split: PatchOperation[] = [];
  for (const [key, value] of Object.entries(op.value)) {
    if (isQualifiedKey(key, value)) split.push({ op: op.op, path: key, value });
    else plain[key] = value;
  }
  if (split.length === 0) return [op];
  return [...(Object.keys(plain).length > 0 ? [withValue(op, plain)] : []), ...split];
}

function memberId(element: unknown): string | undefined {
  if (!isJsonObject(element)) return undefined;
  const key = findKey(element, 'value');
  const id = key === undefined ? undefined : element[key];
  return typeof id === 'string' && id !== '' ? id : typeof id === 'number' ? String(id) : undefined;
}

/**
 * Without the flag Entra removes members with `path: "members"` and a value list, but a remove ignores its value,
 * so a strict server would remove every member. Each listed member becomes `members[value eq "id"]`; an element
 * without an id is refused, since passing it on would empty the group.
 */
export function expandMemberRemoval(op: PatchOperation): PatchOperation[] {
  if (op.op.toLowerCase() !== 'remove' || op.path === undefined || op.value === undefined) return [op];
  const target = parsePathTarget(op.path);
  if (target === null || target.attribute !== 'members' || target.filter !== undefined) return [op];
  if (target.subAttribute !== undefined) return [op];
  if (target.schema !== undefined && target.schema.toLowerCase() !== URN.group.toLowerCase()) return [op];
  const elements = Array.isArray(op.value) ? op.value : [op.value];
  return elements.map((element) => {
    const id = memberId(element);
    if (id === undefined) {
      throw invalidValue(
        'A "remove" of "members" lists a member without a "value" id; refusing it because it would remove every member.',
      );
    }
    return { op: 'remove', path: `members[value eq ${JSON.stringify(id)}]` };
  });
}

/** Entra sends members and manager as `{"$ref":null,"value":"id"}`; a null `$ref` is dropped. */
export function stripNullRefs(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(stripNullRefs);
  if (!isJsonObject(value)) return value;
  const kept = omitKeys(value, (key, v) => key.toLowerCase() === '$ref' && v === null);
  return mapValues(kept, (_key, v) => stripNullRefs(v));
}

/**
 * Null means unassigned in SCIM, so null-valued keys (at any depth) and null array elements are removed; Entra's
 * examples POST them, and Okta sends `members: null`.
 */
export function stripNullAttributes(value: unknown): unknown {
  if (Array.isArray(value)) return value.filter((element) => element !== null).map(stripNullAttributes);
  if (!isJsonObject(value)) return value;
  return mapValues(
    omitKeys(value, (_key, v) => v === null),
    (_key, v) => stripNullAttributes(v),
  );
}

/** Entra POSTs a client-side `meta`, which is read-only. */
export function stripClientMeta(resource: JsonObject): JsonObject {
  return omitKeys(resource, (key) => key.toLowerCase() === 'meta');
}

export function stripAdscimGroupSchema(resource: JsonObject): JsonObject {
  const key = findKey(resource, 'schemas');
  const schemas = key === undefined ? undefined : resource[key];
  if (key === undefined || !Array.isArray(schemas)) return resource;
  const kept = schemas.filter((s) => !(typeof s === 'string' && s.toLowerCase() === ADSCIM_GROUP_SCHEMA.toLowerCase()));
  return kept.length === schemas.length ? resource : { ...resource, [key]: kept };
}

/**
 * Entra sends the manager as a one-element array; the enterprise schema makes it a single complex value. A bare id
 * string becomes `{ value: id }`. Other shapes are left for the core to judge.
 */
export function normalizeManagerValue(value: unknown): unknown {
  if (typeof value === 'string') return value === '' ? value : { value };
  if (Array.isArray(value)) return value.length === 1 ? normalizeManagerValue(value[0]) : value;
  return stripNullRefs(value);
}

function isManagerKey(key: string): boolean {
  const lower = key.toLowerCase();
  return lower === 'manager' || lower === ENTERPRISE_MANAGER;
}

/** Manager normalisation in a body or pathless value, at any of its three key spellings; an empty array is removed. */
export function normalizeResourceManager(resource: JsonObject): JsonObject {
  const out: JsonObject = {};
  for (const [key, value] of Object.entries(resource)) {
    if (isManagerKey(key)) {
      if (Array.isArray(value) && value.length === 0) continue;
      out[key] = normalizeManagerValue(value);
    } else if (key.toLowerCase() === URN.enterpriseUser.toLowerCase() && isJsonObject(value)) {
      out[key] = normalizeResourceManager(value);
    } else {
      out[key] = value;
    }
  }
  return out;
}

export function normalizeManagerOp(op: PatchOperation): PatchOperation {
  if (op.value === undefined) return op;
  if (op.path === undefined || op.path.trim().toLowerCase() === URN.enterpriseUser.toLowerCase()) {
    return isJsonObject(op.value) ? withValue(op, normalizeResourceManager(op.value)) : op;
  }
  const target = parsePathTarget(op.path);
  if (target === null || target.attribute !== 'manager') return op;
  if (target.filter !== undefined || target.subAttribute !== undefined) return op;
  if (target.schema !== undefined && target.schema.toLowerCase() !== URN.enterpriseUser.toLowerCase()) return op;
  return withValue(op, normalizeManagerValue(op.value));
}

/** Integer attributes of a workspace's custom extension, lower-cased. */
const CUSTOM_INTEGER_ATTRIBUTES = new Set(['creditlimit']);

/**
 * An integer string → the number; anything else unchanged so the core refuses it naming the attribute. Digits
 * beyond a safe integer stay a string rather than become another number.
 */
export function coerceIntegerString(value: unknown): unknown {
  if (typeof value !== 'string' || !/^-?\d+$/.test(value)) return value;
  const number = Number(value);
  return Number.isSafeInteger(number) ? number : value;
}

function isCustomUrn(text: string): boolean {
  return text.toLowerCase().startsWith('urn:') && !isKnownSchemaUrn(text);
}

function coerceExtensionIntegers(extension: JsonObject): JsonObject {
  return mapValues(extension, (key, value) => (CUSTOM_INTEGER_ATTRIBUTES.has(key.toLowerCase()) ? coerceIntegerString(value) : value));
}

/**
 * Entra maps creditLimit from a string directory attribute and sends custom extension values as strings, so
 * `"creditLimit": "500"` becomes 500 in custom extensions only; core and enterprise attributes keep their strings.
 */
export function coerceResourceIntegers(resource: JsonObject): JsonObject {
  return mapValues(resource, (key, value) => {
    if (isCustomUrn(key) && isJsonObject(value)) return coerceExtensionIntegers(value);
    const { schema, rest } = splitUrnQualified(key);
    if (schema !== undefined && isCustomUrn(schema) && CUSTOM_INTEGER_ATTRIBUTES.has(rest.toLowerCase())) return coerceIntegerString(value);
    return value;
  });
}

export function coercePatchOpIntegers(op: PatchOperation): PatchOperation {
  if (op.value === undefined) return op;
  if (op.path === undefined) return isJsonObject(op.value) ? withValue(op, coerceResourceIntegers(op.value)) : op;
  const path = op.path.trim();
  // An object is never a creditLimit, so an object under a custom URN path is the extension itself.
  if (isCustomUrn(path) && isJsonObject(op.value)) return withValue(op, coerceExtensionIntegers(op.value));
  const target = parsePathTarget(path);
  if (target === null || target.schema === undefined || !isCustomUrn(target.schema)) return op;
  if (target.filter !== undefined || target.subAttribute !== undefined || !CUSTOM_INTEGER_ATTRIBUTES.has(target.attribute)) return op;
  return withValue(op, coerceIntegerString(op.value));
}

/** All Entra normalisations of a User or Group POST/PUT body. */
export function normalizeEntraResource(resource: JsonObject): JsonObject {
  const withoutNulls = stripNullAttributes(resource) as JsonObject;
  const withoutClientOnly = stripAdscimGroupSchema(stripClientMeta(withoutNulls));
  return normalizeResourceManager(coerceResourceIntegers(coerceResourceBooleans(withoutClientOnly)));
}

/** All Entra normalisations of one PATCH operation; may yield zero or several ops. */
export function normalizeEntraPatchOp(op: PatchOperation): PatchOperation[] {
  return splitQualifiedPathlessOp(lowerCaseOp(op)).flatMap((part) => {
    const filtered = normalizeOpPathFilter(part);
    const cleaned = filtered.value === undefined ? filtered : withValue(filtered, stripNullRefs(filtered.value));
    return expandMemberRemoval(normalizeManagerOp(coercePatchOpIntegers(coercePatchOpBooleans(cleaned))));
  });
}
