import { sql, type Expression, type RawBuilder, type SqlBool } from 'kysely';
import type { DialectSupport } from '../../store/dialect-support.js';
import { invalidFilter } from '../scim-error.js';
import { formatAttrPath, type AttrPath } from './filter-ast.js';
import type { FilterCatalog, GroupMembersAttribute, JsonArrayAttribute } from './filter-catalog.js';

export interface Operand {
  name: string;
  expr: Expression<unknown>;
  /** SQLite's json_extract reads a JSON boolean as 1/0, PostgreSQL's ->> as 'true'/'false'. */
  type: 'string' | 'boolean' | 'integer' | 'dateTime' | 'jsonBoolean';
  caseExact: boolean;
  lowerExpr?: Expression<unknown>;
  dialect: DialectSupport;
}

/** A scalar, or a collection that filters must search with EXISTS. */
export type Target = { kind: 'scalar'; operand: Operand } | { kind: 'collection'; collection: Collection };

export interface Collection {
  /** Conditions on one key can share one EXISTS. */
  key: string;
  exists(condition: RawBuilder<SqlBool> | undefined): RawBuilder<SqlBool>;
  element(): Operand;
  scope: Scope;
  /** Whether the path named a sub-attribute, so `pr` tests it rather than any element. */
  hasSubAttribute: boolean;
}

export type Scope = (path: AttrPath) => Target;

const JSON_ALIAS = 'e';
const MEMBER_ALIAS = 'gm';

function unknown(path: AttrPath): never {
  throw invalidFilter(`filter: unknown attribute or one that cannot be filtered: ${formatAttrPath(path)}`);
}

/** Resolves a filter's attribute paths against a catalog: columns as scalars, multi-valued attributes as collections. */
export function topScope(catalog: FilterCatalog, dialect: DialectSupport, countSearch: () => void): Scope {
  return (path) => {
    const resolved = catalog.resolve(path);
    if (!resolved) return unknown(path);
    switch (resolved.kind) {
      case 'column':
        return {
          kind: 'scalar',
          operand: {
            name: resolved.name,
            expr: sql.ref(resolved.column),
            type: resolved.type,
            caseExact: resolved.caseExact,
            dialect,
            ...(resolved.lowerColumn !== undefined ? { lowerExpr: sql.ref(resolved.lowerColumn) } : {}),
          },
        };
      case 'jsonArray':
        return { kind: 'collection', collection: counted(jsonArrayCollection(resolved, dialect), countSearch) };
      case 'groupMembers':
        return { kind: 'collection', collection: counted(memberCollection(resolved, path, dialect), countSearch) };
    }
  };
}

function counted(collection: Collection, countSearch: () => void): Collection {
  return {
    ...collection,
    exists: (condition) => {
      countSearch();
      return collection.exists(condition);
    },
  };
}

function jsonArrayCollection(attribute: JsonArrayAttribute, dialect: DialectSupport): Collection {
  const parent = attribute.name.split('.')[0]!;
  const operandFor = (sub: string): Operand => {
    const text = dialect.jsonElementText(JSON_ALIAS, sub);
    return attribute.subAttributes[sub] === 'boolean'
      ? { name: `${parent}.${sub}`, expr: text, type: 'jsonBoolean', caseExact: false, dialect }
      : // cast: SQLite's json_extract returns numbers for numeric JSON values.
        { name: `${parent}.${sub}`, expr: sql`cast(${text} as text)`, type: 'string', caseExact: false, dialect };
  };
  return {
    key: attribute.column,
    hasSubAttribute: attribute.subAttribute !== undefined,
    exists: (condition) =>
      sql<SqlBool>`exists (select 1 from ${dialect.jsonArrayElements(sql.ref(attribute.column), JSON_ALIAS)}${condition ? sql` where ${condition}` : sql``})`,
    element: () => operandFor(attribute.subAttribute ?? attribute.defaultSub),
    scope: (path) => {
      const sub = path.uri === undefined && path.subAttribute === undefined ? Object.keys(attribute.subAttributes).find((k) => k.toLowerCase() === path.attribute.toLowerCase()) : undefined;
      if (sub === undefined) return unknown({ attribute: parent, subAttribute: formatAttrPath(path) });
      return { kind: 'scalar', operand: operandFor(sub) };
    },
  };
}

function memberCollection(attribute: GroupMembersAttribute, path: AttrPath, dialect: DialectSupport): Collection {
  const parent = attribute.name.split('.')[0]!;
  // Member ids are resource ids, which compare exactly.
  const member: Operand = { name: `${parent}.value`, expr: sql.ref(`${MEMBER_ALIAS}.${attribute.memberColumn}`), type: 'string', caseExact: true, dialect };
  return {
    key: `${attribute.table}.${attribute.foreignKey}`,
    hasSubAttribute: path.subAttribute !== undefined,
    exists: (condition) =>
      sql<SqlBool>`exists (select 1 from ${sql.table(attribute.table)} as ${sql.raw(MEMBER_ALIAS)} where ${sql.ref(`${MEMBER_ALIAS}.${attribute.foreignKey}`)} = ${sql.ref(attribute.ownerColumn)}${condition ? sql` and ${condition}` : sql``})`,
    element: () => member,
    scope: (inner) => {
      if (inner.uri !== undefined || inner.subAttribute !== undefined || inner.attribute.toLowerCase() !== 'value') {
        return unknown({ attribute: parent, subAttribute: formatAttrPath(inner) });
      }
      return { kind: 'scalar', operand: member };
    },
  };
}
