import { resolveAttributeParts, resolveAttributePath, type ResolvedAttributePath, type SchemaSet } from '../schema/find-attribute.js';
import type { SchemaAttribute } from '../schema/schema-attribute.js';
import type { AttrPath } from './filter-ast.js';

export type ColumnType = 'string' | 'boolean' | 'integer' | 'dateTime';
export type JsonSubAttributeType = 'string' | 'boolean';

export interface ColumnAttribute {
  kind: 'column';
  name: string;
  column: string;
  type: ColumnType;
  caseExact: boolean;
  /** `eq` compares against this indexed copy so the unique index is used. */
  lowerColumn?: string;
}

export interface JsonArrayAttribute {
  kind: 'jsonArray';
  name: string;
  column: string;
  subAttributes: Record<string, JsonSubAttributeType>;
  /** A filter on the attribute itself means its "value". */
  defaultSub: 'value';
  subAttribute?: string;
}

/** Group members live in a join table, so a filter becomes EXISTS over it. */
export interface GroupMembersAttribute {
  kind: 'groupMembers';
  name: string;
  table: string;
  foreignKey: string;
  ownerColumn: string;
  memberColumn: string;
}

export type ResolvedAttribute = ColumnAttribute | JsonArrayAttribute | GroupMembersAttribute;

/** Where a SCIM attribute lives; undefined when unknown or unfilterable. */
export interface FilterCatalog {
  resolve(path: AttrPath): ResolvedAttribute | undefined;
}

export type CatalogEntry =
  | { path: string; kind: 'column'; column: string; type: ColumnType; caseExact?: boolean; lowerColumn?: string }
  | { path: string; kind: 'jsonArray'; column: string }
  | { path: string; kind: 'groupMembers'; table: string; foreignKey: string; ownerColumn: string; memberColumn: string };

/** Names resolve through the schemas at build time, so a typo in a mapping fails at start-up. */
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
