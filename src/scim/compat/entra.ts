import { invalidValue } from '../scim-error.js';
import { findKey, isJsonObject, mapValues, omitKeys, type JsonObject } from '../json-object.js';
import { normalizePathFilter } from './normalize-filter.js';
import { withValue, type PatchOperation } from './patch-operation.js';
import { isKnownSchemaUrn, parsePathTarget, splitUrnQualified } from './scim-path.js';
import { URN } from '../scim-urn.js';

// Entra ID's SCIM dialect, normalised so the core can stay strict. Pure; every function returns a copy.

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

/** A non-SCIM schema Entra lists in group POSTs. */
export const ADSCIM_GROUP_SCHEMA = 'http://schemas.microsoft.com/2006/11/ResourceManagement/ADSCIM/2.0/Group';

const ENTERPRISE_MANAGER = `${URN.enterpriseUser}:manager`.toLowerCase();

/** Entra sends "Replace"; the core wants lower case. */
export function lowerCaseOp(op: PatchOperation): PatchOperation {
  const lower = op.op.toLowerCase();
  return lower === op.op ? op : Object.assign({}, op, { op: lower });
}

export function coerceStringBoolean(value: unknown): unknown {
  if (typeof value !== 'string') return value;
  const lower = value.toLowerCase();
  return lower === 'true' ? true : lower === 'false' ? false : value;
}

/** Null for custom extensions (types unknown). */
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

/** Only `active` and multi-valued `primary`; a displayName "True" stays a string. */
export function coerceResourceBooleans(resource: JsonObject): JsonObject {
  return mapValues(resource, (key, value) => {
    if (isKnownSchemaUrn(key) && isJsonObject(value)) return coerceResourceBooleans(value);
    const attribute = coreAttributeOfKey(key);
    if (attribute === 'active') return coerceStringBoolean(value);
    if (attribute !== null && MULTI_VALUED_WITH_PRIMARY.has(attribute)) return coercePrimaryInElements(value);
    return value;
  });
}

/** Path filters are normalizeOpPathFilter's job. */
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

/** `roles[primary eq "True"]` → `roles[primary eq true]`. */
export function normalizeOpPathFilter(op: PatchOperation): PatchOperation {
  if (op.path === undefined) return op;
  const path = normalizePathFilter(op.path);
  return path === op.path ? op : Object.assign({}, op, { path });
}

/** Dotted and URN-qualified keys need their own op; a whole extension object does not. */
function isQualifiedKey(key: string, value: unknown): boolean {
  if (key.includes(':')) {
    if (isKnownSchemaUrn(key)) return false;
    const { schema } = splitUrnQualified(key);
    if (schema !== undefined && isKnownSchemaUrn(schema)) return true;
    return !isJsonObject(value);
  }
  return key.includes('.');
}

/** Entra's aadOptscim062020 flag packs qualified keys into one pathless op; each gets its own, after the plain keys. */
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

/** Entra removes members by value list, which a remove ignores (emptying the group); an id-less element is refused. */
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

/** Entra sends `{"$ref":null,"value":"id"}`. */
export function stripNullRefs(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(stripNullRefs);
  if (!isJsonObject(value)) return value;
  const kept = omitKeys(value, (key, v) => key.toLowerCase() === '$ref' && v === null);
  return mapValues(kept, (_key, v) => stripNullRefs(v));
}

/** Null means unassigned in SCIM; Entra POSTs null keys and Okta `members: null`. */
export function stripNullAttributes(value: unknown): unknown {
  if (Array.isArray(value)) return value.filter((element) => element !== null).map(stripNullAttributes);
  if (!isJsonObject(value)) return value;
  return mapValues(
    omitKeys(value, (_key, v) => v === null),
    (_key, v) => stripNullAttributes(v),
  );
}

/** Entra POSTs a read-only `meta`. */
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

/** Entra sends a one-element array or a bare id; the schema wants one `{ value: id }`. */
export function normalizeManagerValue(value: unknown): unknown {
  if (typeof value === 'string') return value === '' ? value : { value };
  if (Array.isArray(value)) return value.length === 1 ? normalizeManagerValue(value[0]) : value;
  return stripNullRefs(value);
}

function isManagerKey(key: string): boolean {
  const lower = key.toLowerCase();
  return lower === 'manager' || lower === ENTERPRISE_MANAGER;
}

/** At any of three key spellings; an empty array is removed. */
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

const CUSTOM_INTEGER_ATTRIBUTES = new Set(['creditlimit']);

/** Unsafe integers stay strings, for the core to refuse, rather than become another number. */
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

/** Entra sends custom extension values as strings; only custom extensions are coerced. */
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
  // An object here is the whole extension, never a creditLimit.
  if (isCustomUrn(path) && isJsonObject(op.value)) return withValue(op, coerceExtensionIntegers(op.value));
  const target = parsePathTarget(path);
  if (target === null || target.schema === undefined || !isCustomUrn(target.schema)) return op;
  if (target.filter !== undefined || target.subAttribute !== undefined || !CUSTOM_INTEGER_ATTRIBUTES.has(target.attribute)) return op;
  return withValue(op, coerceIntegerString(op.value));
}

export function normalizeEntraResource(resource: JsonObject): JsonObject {
  const withoutNulls = stripNullAttributes(resource) as JsonObject;
  const withoutClientOnly = stripAdscimGroupSchema(stripClientMeta(withoutNulls));
  return normalizeResourceManager(coerceResourceIntegers(coerceResourceBooleans(withoutClientOnly)));
}

export function normalizeEntraPatchOp(op: PatchOperation): PatchOperation[] {
  return splitQualifiedPathlessOp(lowerCaseOp(op)).flatMap((part) => {
    const filtered = normalizeOpPathFilter(part);
    const cleaned = filtered.value === undefined ? filtered : withValue(filtered, stripNullRefs(filtered.value));
    return expandMemberRemoval(normalizeManagerOp(coercePatchOpIntegers(coercePatchOpBooleans(cleaned))));
  });
}
