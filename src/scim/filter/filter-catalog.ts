import { resolveAttributeParts, resolveAttributePath, type ResolvedAttributePath, type SchemaSet } from '../schema/find-attribute.js';
import type { SchemaAttribute } from '../schema/schema-attribute.js';
import type { AttrPath } from './filter-ast.js';

export type ColumnType = 'string' | 'boolean' | 'integer' | 'dateTime';
export type JsonSubAttributeType = 'string' | 'boolean';

/** A single-valued attribute stored in one column (qualified: `membership.user_name`). */
export interface ColumnAttribute {
  kind: 'column';
  /** Canonical SCIM path, for error messages. */
  name: string;
  column: string;
  type: ColumnType;
  caseExact: boolean;
  /** An indexed lower-case copy: `eq` compares against it so the unique index is used. */
  lowerColumn?: string;
}

/** A multi-valued complex attribute stored as a JSON array in a text column (emails, addresses, …). */
export interface JsonArrayAttribute {
  kind: 'jsonArray';
  name: string;
  column: string;
  /** Canonical sub-attribute names and how their JSON values compare. */
  subAttributes: Record<string, JsonSubAttributeType>;
  /** RFC 7644 §3.4.2.2: a filter on the attribute itself means its "value". */
  defaultSub: 'value';
  /** Set when the filtered path named a sub-attribute (`emails.type`); canonical. */
  subAttribute?: string;
}

/** Group members live in a join table: a filter becomes EXISTS over it. Only `value` is stored. */
export interface GroupMembersAttribute {
  kind: 'groupMembers';
  name: string;
  /** The join table, its column pointing at the owner row, and the owner's key column (qualified). */
  table: string;
  foreignKey: string;
  ownerColumn: string;
  /** The join table's column holding the member id (`members.value`). */
  memberColumn: string;
}

export type ResolvedAttribute = ColumnAttribute | JsonArrayAttribute | GroupMembersAttribute;

/** How the SQL compiler learns where a SCIM attribute lives. Unknown or unfilterable → undefined. */
export interface FilterCatalog {
  resolve(path: AttrPath): ResolvedAttribute | undefined;
}

/** A mapping entry before names are canonicalised: the path is any SCIM spelling the schemas resolve. */
export type CatalogEntry =
  | { path: string; kind: 'column'; column: string; type: ColumnType; caseExact?: boolean; lowerColumn?: string }
  | { path: string; kind: 'jsonArray'; column: string }
  | { path: string; kind: 'groupMembers'; table: string; foreignKey: string; ownerColumn: string; memberColumn: string };

/**
 * Build a catalog from schema definitions and a list of column mappings. Names are resolved through
 * the schemas once, up front, so a typo in a mapping fails at start-up and lookups at request time
 * are one case-insensitive map access. caseExact defaults to the schema's characteristic.
 */
export function catalogFromEntries(schemas: SchemaSet, entries: readonly CatalogEntry[]): FilterCatalog {
  const byKey = new Map<string, ResolvedAttribute>();
  for (const entry of entries) {
    const resolved = resolveAttributePath(schemas, entry.path);
    if (!resolved) throw new Error(`filter catalog: ${entry.path} is not an attribute of ${schemas.core.id} or its extensions`);
    const name = canonicalName(resolved);
    byKey.set(keyOf(resolved), describe(entry, resolved, name));
  }
  return {
    resolve(path) {
      const resolved = resolveAttributeParts(schemas, path);
      if (!resolved) return undefined;
      const exact = byKey.get(keyOf(resolved));
      if (exact) return exact;
      // `emails.type`: the mapping is on `emails`, the sub-attribute picks a JSON key.
      if (!resolved.subAttribute) return undefined;
      const parent = byKey.get(keyOf({ schema: resolved.schema, attribute: resolved.attribute }));
      if (parent?.kind !== 'jsonArray' || !(resolved.subAttribute.name in parent.subAttributes)) return undefined;
      return { ...parent, name: canonicalName(resolved), subAttribute: resolved.subAttribute.name };
    },
  };
}

function describe(entry: CatalogEntry, resolved: ResolvedAttributePath, name: string): ResolvedAttribute {
  const definition = resolved.subAttribute ?? resolved.attribute;
  switch (entry.kind) {
    case 'column':
      return {
        kind: 'column',
        name,
        column: entry.column,
        type: entry.type,
        caseExact: entry.caseExact ?? definition.caseExact,
        ...(entry.lowerColumn !== undefined ? { lowerColumn: entry.lowerColumn } : {}),
      };
    case 'jsonArray':
      return { kind: 'jsonArray', name, column: entry.column, subAttributes: jsonSubAttributes(definition), defaultSub: 'value' };
    case 'groupMembers':
      return { kind: 'groupMembers', name, table: entry.table, foreignKey: entry.foreignKey, ownerColumn: entry.ownerColumn, memberColumn: entry.memberColumn };
  }
}

function jsonSubAttributes(attribute: SchemaAttribute): Record<string, JsonSubAttributeType> {
  const out: Record<string, JsonSubAttributeType> = {};
  for (const sub of attribute.subAttributes ?? []) {
    if (sub.type === 'boolean') out[sub.name] = 'boolean';
    else if (sub.type === 'string' || sub.type === 'reference' || sub.type === 'binary') out[sub.name] = 'string';
  }
  return out;
}

function keyOf(resolved: ResolvedAttributePath): string {
  return `${resolved.schema.id}:${resolved.attribute.name}${resolved.subAttribute ? `.${resolved.subAttribute.name}` : ''}`.toLowerCase();
}

function canonicalName(resolved: ResolvedAttributePath): string {
  return `${resolved.attribute.name}${resolved.subAttribute ? `.${resolved.subAttribute.name}` : ''}`;
}
