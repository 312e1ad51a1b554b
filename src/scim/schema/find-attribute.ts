import { COMMON_ATTRIBUTES } from './common-attributes.js';
import type { SchemaAttribute, ScimSchema } from './schema-attribute.js';

/** The core schema and the extensions this workspace offers. */
export interface SchemaSet {
  core: ScimSchema;
  extensions: readonly ScimSchema[];
}

/** `name` fields carry the canonical spelling. */
export interface ResolvedAttributePath {
  schema: ScimSchema;
  attribute: SchemaAttribute;
  subAttribute?: SchemaAttribute;
}

export interface AttributePathParts {
  uri?: string;
  attribute: string;
  subAttribute?: string;
}

// Attribute names and URNs are case-insensitive (and clients such as Entra vary URN case).
const same = (a: string, b: string) => a.toLowerCase() === b.toLowerCase();

export function findAttribute(attributes: readonly SchemaAttribute[] | undefined, name: string): SchemaAttribute | undefined {
  return attributes?.find((attribute) => same(attribute.name, name));
}

export function findSchema(schemas: SchemaSet, urn: string): ScimSchema | undefined {
  if (same(schemas.core.id, urn)) return schemas.core;
  return schemas.extensions.find((schema) => same(schema.id, urn));
}

function attributesOf(schemas: SchemaSet, schema: ScimSchema): readonly SchemaAttribute[] {
  return schema === schemas.core ? [...COMMON_ATTRIBUTES, ...schema.attributes] : schema.attributes;
}

/** Without a URN the core schema wins, then extensions in order, so `employeeNumber` finds the enterprise one. */
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
 * Resolves a textual path. The URN prefix is matched against known schema ids (longest first) rather than split at
 * the last colon, so a path naming an unknown schema never resolves to a core attribute by accident.
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
