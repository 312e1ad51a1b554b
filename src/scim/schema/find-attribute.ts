import { COMMON_ATTRIBUTES } from './common-attributes.js';
import type { SchemaAttribute, ScimSchema } from './schema-attribute.js';

/** The schemas of one resource type: the core schema and the extensions this workspace offers. */
export interface SchemaSet {
  core: ScimSchema;
  extensions: readonly ScimSchema[];
}

/** A path resolved to its definitions; the `name` fields carry the canonical spelling. */
export interface ResolvedAttributePath {
  schema: ScimSchema;
  attribute: SchemaAttribute;
  subAttribute?: SchemaAttribute;
}

/** The parts of an attribute path, as the filter and PATCH path parsers produce them. */
export interface AttributePathParts {
  uri?: string;
  attribute: string;
  subAttribute?: string;
}

// RFC 7643 §2.1: attribute names are case-insensitive; URNs are too (RFC 8141 §3.1 for the NID, and
// SCIM clients such as Entra vary the case of the rest).
const same = (a: string, b: string) => a.toLowerCase() === b.toLowerCase();

export function findAttribute(attributes: readonly SchemaAttribute[] | undefined, name: string): SchemaAttribute | undefined {
  return attributes?.find((attribute) => same(attribute.name, name));
}

/** The core schema or an extension by URN, case-insensitively. */
export function findSchema(schemas: SchemaSet, urn: string): ScimSchema | undefined {
  if (same(schemas.core.id, urn)) return schemas.core;
  return schemas.extensions.find((schema) => same(schema.id, urn));
}

/** Attributes a schema answers for: the core schema also owns id, externalId and meta (RFC 7643 §3.1). */
function attributesOf(schemas: SchemaSet, schema: ScimSchema): readonly SchemaAttribute[] {
  return schema === schemas.core ? [...COMMON_ATTRIBUTES, ...schema.attributes] : schema.attributes;
}

/**
 * Resolve parsed path parts. Without a URN the core schema (and the common attributes) wins, then
 * the extensions in order, so `employeeNumber` finds the enterprise attribute.
 */
export function resolveAttributeParts(schemas: SchemaSet, parts: AttributePathParts): ResolvedAttributePath | undefined {
  const candidates = parts.uri === undefined ? [schemas.core, ...schemas.extensions] : [findSchema(schemas, parts.uri)];
  for (const schema of candidates) {
    if (!schema) continue;
    const attribute = findAttribute(attributesOf(schemas, schema), parts.attribute);
    if (!attribute) continue;
    if (parts.subAttribute === undefined) return { schema, attribute };
    const subAttribute = findAttribute(attribute.subAttributes, parts.subAttribute);
    return subAttribute ? { schema, attribute, subAttribute } : undefined;
  }
  return undefined;
}

/**
 * Resolve a textual path such as `name.FamilyName`, `EMAILS` or
 * `urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager.value`.
 * The URN prefix is matched against the known schema ids (longest first) rather than split at the
 * last colon, so a path naming an unknown schema never resolves to a core attribute by accident.
 */
export function resolveAttributePath(schemas: SchemaSet, path: string): ResolvedAttributePath | undefined {
  let uri: string | undefined;
  let rest = path;
  if (path.toLowerCase().startsWith('urn:')) {
    const schema = [schemas.core, ...schemas.extensions]
      .filter((s) => path.length > s.id.length && same(path.slice(0, s.id.length + 1), `${s.id}:`))
      .sort((a, b) => b.id.length - a.id.length)[0];
    if (!schema) return undefined;
    uri = schema.id;
    rest = path.slice(schema.id.length + 1);
  }
  const dot = rest.indexOf('.');
  const attribute = dot < 0 ? rest : rest.slice(0, dot);
  const subAttribute = dot < 0 ? undefined : rest.slice(dot + 1);
  if (!attribute || subAttribute === '' || subAttribute?.includes('.')) return undefined;
  return resolveAttributeParts(schemas, { ...(uri !== undefined ? { uri } : {}), attribute, ...(subAttribute !== undefined ? { subAttribute } : {}) });
}
