import { invalidValue } from '../scim-error.js';
import { findKey, isJsonObject, mapValues, omitKeys, type JsonObject } from '../json-object.js';
import { normalizePathFilter } from './normalize-filter.js';
import { withValue, type PatchOperation } from './patch-operation.js';
import { isKnownSchemaUrn, parsePathTarget, splitUrnQualified } from './scim-path.js';
import { URN } from '../scim-urn.js';

/**
 * Microsoft Entra ID's SCIM dialect, normalised at the edge so the core can stay strict RFC 7643/7644.
 * "Quirk N" below numbers what Entra sends; each has a request fixture under test/fixture/entra/ and a test.
 * Every function is pure and returns a copy.
 */

/** Multi-valued attributes whose elements carry a boolean `primary` (RFC 7643 §4.1.2, §4.3). */
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

/** Quirk 8: Entra's example group POST lists this non-SCIM schema next to the core Group schema. */
export const ADSCIM_GROUP_SCHEMA = 'http://schemas.microsoft.com/2006/11/ResourceManagement/ADSCIM/2.0/Group';

const ENTERPRISE_MANAGER = `${URN.enterpriseUser}:manager`.toLowerCase();

// ---------------------------------------------------------------------------------------------------------
// Quirk 1: PATCH ops are capitalised.

/** Quirk 1: Entra emits `op` as "Add", "Replace", "Remove"; the core only accepts lower case. */
export function lowerCaseOp(op: PatchOperation): PatchOperation {
  const lower = op.op.toLowerCase();
  return lower === op.op ? op : Object.assign({}, op, { op: lower });
}

// ---------------------------------------------------------------------------------------------------------
// Quirks 2 and 11: booleans sent as strings.

/** Quirk 2 / 11: `"True"` / `"False"` (any case) → boolean; anything else unchanged. */
export function coerceStringBoolean(value: unknown): unknown {
  if (typeof value !== 'string') return value;
  const lower = value.toLowerCase();
  return lower === 'true' ? true : lower === 'false' ? false : value;
}

/**
 * The core attribute a body key names, lower-cased: `Active` → `active`,
 * `urn:ietf:params:scim:schemas:core:2.0:User:active` → `active`. Null for attributes of custom
 * extensions, whose types this layer does not know.
 */
function coreAttributeOfKey(key: string): string | null {
  if (!key.includes(':')) return key.toLowerCase();
  const { schema, rest } = splitUrnQualified(key);
  return schema !== undefined && isKnownSchemaUrn(schema) ? rest.toLowerCase() : null;
}

/** Quirk 2 / 11: `primary: "True"` inside each element of a multi-valued attribute (or one element object). */
function coercePrimaryInElements(value: unknown): unknown {
  const coerceElement = (element: unknown) =>
    isJsonObject(element)
      ? mapValues(element, (key, v) => (key.toLowerCase() === 'primary' ? coerceStringBoolean(v) : v))
      : element;
  return Array.isArray(value) ? value.map(coerceElement) : coerceElement(value);
}

/**
 * Quirk 2 (`"active":"False"` without the aadOptscim062020 flag) and quirk 11 (Microsoft's reference
 * collection sends `active:"True"` and `Primary:"True"`): string booleans in a resource body or in a pathless
 * PATCH value become booleans, for `active` and for `primary` inside multi-valued elements only. Other
 * strings that happen to read "True" (a displayName, a custom attribute) are left alone.
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

/**
 * Quirk 2: string booleans in PATCH values: `{"path":"active","value":"False"}`,
 * `{"path":"emails[type eq \"work\"].primary","value":"True"}`, `{"path":"emails","value":[{"primary":"True"}]}`
 * and pathless `{"value":{"active":"False"}}`. (A boolean inside a path filter is handled by
 * `normalizeOpPathFilter`.)
 */
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

/**
 * Quirks 2 and 5: the value filter inside a PATCH path is normalised like a query filter:
 * `roles[primary eq "True"].value` → `roles[primary eq true].value` (the `SingleAppRoleAssignment` target
 * attribute in the multitenant-app-roles seed), unquoted values quoted.
 */
export function normalizeOpPathFilter(op: PatchOperation): PatchOperation {
  if (op.path === undefined) return op;
  const path = normalizePathFilter(op.path);
  return path === op.path ? op : Object.assign({}, op, { path });
}

// ---------------------------------------------------------------------------------------------------------
// Quirk 3: aadOptscim062020 sends one pathless replace with dotted and URN-qualified keys.

/**
 * True when a key of a pathless value object names a sub-attribute or a URN-qualified attribute, so it
 * must become an op of its own. A key that is a whole schema URN with an object value
 * (`"urn:…:enterprise:2.0:User": {…}`) is standard RFC 7644 §3.5.2 and stays. For unknown (custom) URNs the
 * attribute is what follows the last colon; such a key with an object value is read as a whole extension.
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
 * Quirk 3: `{"op":"replace","value":{"displayName":"B","name.givenName":"A","urn:…:enterprise:2.0:User:employeeNumber":"7"}}`
 * → `{"op":"replace","value":{"displayName":"B"}}`, `{"op":"replace","path":"name.givenName","value":"A"}`,
 * `{"op":"replace","path":"urn:…:enterprise:2.0:User:employeeNumber","value":"7"}`. The plain keys stay together
 * in one pathless op (first); each qualified key gets its own op, in the order sent. Only add and replace
 * have a pathless form, so other ops are returned as they are.
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

// ---------------------------------------------------------------------------------------------------------
// Quirks 3 and 4: group member removal with a value list.

function memberId(element: unknown): string | undefined {
  if (!isJsonObject(element)) return undefined;
  const key = findKey(element, 'value');
  const id = key === undefined ? undefined : element[key];
  return typeof id === 'string' && id !== '' ? id : typeof id === 'number' ? String(id) : undefined;
}

/**
 * Quirks 3 and 4: without aadOptscim062020 Entra removes members with
 * `{"op":"Remove","path":"members","value":[{"value":"u1"},{"value":"u2"}]}`. RFC 7644 §3.5.2.2 ignores the
 * value of a remove, so a strict server would remove *every* member. Each listed member becomes
 * `{"op":"remove","path":"members[value eq \"u1\"]"}` (the form Entra sends with the flag). An empty list
 * removes nobody, so it yields no op. An element without a member id is refused rather than passed on,
 * because passing it on would empty the group.
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

// ---------------------------------------------------------------------------------------------------------
// Quirk 4: "$ref": null in member values.

/** Quirk 4: Entra sends members (and manager) as `{"$ref":null,"value":"id"}`; a null `$ref` is dropped. */
export function stripNullRefs(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(stripNullRefs);
  if (!isJsonObject(value)) return value;
  const kept = omitKeys(value, (key, v) => key.toLowerCase() === '$ref' && v === null);
  return mapValues(kept, (_key, v) => stripNullRefs(v));
}

// ---------------------------------------------------------------------------------------------------------
// Quirk 8: shape of POST bodies.

/**
 * Quirk 8: Microsoft's "Example 2" POSTs `"addresses":null, "manager":null, "title":null`, and the reference
 * collection sends nulls inside address elements. RFC 7643 §2.5 treats null as unassigned, so null-valued
 * keys (at any depth) and null array elements are removed. This also turns Okta's `members: null`
 * (Okta quirk 6) into an absent attribute.
 */
export function stripNullAttributes(value: unknown): unknown {
  if (Array.isArray(value)) return value.filter((element) => element !== null).map(stripNullAttributes);
  if (!isJsonObject(value)) return value;
  return mapValues(
    omitKeys(value, (_key, v) => v === null),
    (_key, v) => stripNullAttributes(v),
  );
}

/** Quirk 8: Entra POSTs a client-side `meta: {"resourceType":"User"}`; `meta` is read-only (RFC 7643 §3.1). */
export function stripClientMeta(resource: JsonObject): JsonObject {
  return omitKeys(resource, (key) => key.toLowerCase() === 'meta');
}

/** Quirk 8: the example group POST lists `…/ADSCIM/2.0/Group` in `schemas`; the core knows no such schema. */
export function stripAdscimGroupSchema(resource: JsonObject): JsonObject {
  const key = findKey(resource, 'schemas');
  const schemas = key === undefined ? undefined : resource[key];
  if (key === undefined || !Array.isArray(schemas)) return resource;
  const kept = schemas.filter((s) => !(typeof s === 'string' && s.toLowerCase() === ADSCIM_GROUP_SCHEMA.toLowerCase()));
  return kept.length === schemas.length ? resource : { ...resource, [key]: kept };
}

// ---------------------------------------------------------------------------------------------------------
// Quirk 9: manager.

/**
 * Quirk 9: Entra sends the manager as `[{"$ref":"…/Users/id","value":"id"}]` (Microsoft's "Example 5"); the
 * enterprise schema (RFC 7643 §4.3) makes it a single complex value `{ value, $ref }`. A bare id string
 * (the pathless aadOptscim062020 form, and the docs' schema example) becomes `{ value: id }`. Arrays of other
 * lengths and empty strings are left for the core to judge.
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

/**
 * Quirk 9 in a body or pathless PATCH value: `manager` inside the enterprise extension object, a top-level
 * `urn:…:enterprise:2.0:User:manager`, or a top-level `manager` (Microsoft's Example 2 puts it there).
 * An empty manager array is unassigned (RFC 7643 §2.5) and is removed.
 */
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

/** Quirk 9 in PATCH: `{"op":"Add","path":"manager","value":[{"$ref":"…","value":"id"}]}` and the URN-qualified path. */
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

// ---------------------------------------------------------------------------------------------------------
// Integer custom attributes sent as strings.

/**
 * The integer attributes of a workspace's custom extension (workspace-extension-schema.ts): role and seatType
 * are strings, creditLimit is the one integer. Compared lower-cased.
 */
const CUSTOM_INTEGER_ATTRIBUTES = new Set(['creditlimit']);

/**
 * An integer written as a JSON string (`"500"`, `"-5"`) → the number; anything else (`"lots"`, `"2.5"`, `" 500"`)
 * unchanged, so that the core refuses it with a detail naming creditLimit (the policy's "must be a non-negative
 * integer", or the PATCH type check). Digits beyond a safe integer stay a string rather than become another number.
 */
export function coerceIntegerString(value: unknown): unknown {
  if (typeof value !== 'string' || !/^-?\d+$/.test(value)) return value;
  const number = Number(value);
  return Number.isSafeInteger(number) ? number : value;
}

/** A custom (non-core, non-enterprise) schema URN, such as Base44's `urn:base44:params:scim:schemas:extension:user:2.0`. */
function isCustomUrn(text: string): boolean {
  return text.toLowerCase().startsWith('urn:') && !isKnownSchemaUrn(text);
}

function coerceExtensionIntegers(extension: JsonObject): JsonObject {
  return mapValues(extension, (key, value) => (CUSTOM_INTEGER_ATTRIBUTES.has(key.toLowerCase()) ? coerceIntegerString(value) : value));
}

/**
 * Base44's Entra guide maps creditLimit from `extensionAttribute1`, a string in Entra, into a target attribute
 * added with Type Integer; Microsoft's own example of a provisioned custom extension attribute shows the value
 * as a string (`"CustomAttribute": "701984"`, customize-application-attributes.md), and without the flag Entra
 * sends booleans as strings too (quirk 2). So `"creditLimit": "500"` becomes 500, inside a custom extension
 * object or under its URN-qualified name, in a body or a pathless PATCH value. Core and enterprise attributes
 * are never touched (employeeNumber "40217" is a string).
 */
export function coerceResourceIntegers(resource: JsonObject): JsonObject {
  return mapValues(resource, (key, value) => {
    if (isCustomUrn(key) && isJsonObject(value)) return coerceExtensionIntegers(value);
    const { schema, rest } = splitUrnQualified(key);
    if (schema !== undefined && isCustomUrn(schema) && CUSTOM_INTEGER_ATTRIBUTES.has(rest.toLowerCase())) return coerceIntegerString(value);
    return value;
  });
}

/**
 * The same for one PATCH operation: `{"path":"urn:base44:…:user:2.0:creditLimit","value":"500"}`, a whole custom
 * extension as the path with an object value, and a pathless value.
 */
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

// ---------------------------------------------------------------------------------------------------------
// The whole dialect.

/** All Entra body normalisations for a POST or PUT of a User or Group (quirks 2, 4, 8, 9, 11; integer strings). */
export function normalizeEntraResource(resource: JsonObject): JsonObject {
  const withoutNulls = stripNullAttributes(resource) as JsonObject;
  const withoutClientOnly = stripAdscimGroupSchema(stripClientMeta(withoutNulls));
  return normalizeResourceManager(coerceResourceIntegers(coerceResourceBooleans(withoutClientOnly)));
}

/** All Entra normalisations of one PATCH operation (quirks 1, 2, 3, 4, 5, 9; integer strings); may yield zero or several ops. */
export function normalizeEntraPatchOp(op: PatchOperation): PatchOperation[] {
  return splitQualifiedPathlessOp(lowerCaseOp(op)).flatMap((part) => {
    const filtered = normalizeOpPathFilter(part);
    const cleaned = filtered.value === undefined ? filtered : withValue(filtered, stripNullRefs(filtered.value));
    return expandMemberRemoval(normalizeManagerOp(coercePatchOpIntegers(coercePatchOpBooleans(cleaned))));
  });
}
