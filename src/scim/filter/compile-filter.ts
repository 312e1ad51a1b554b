import { sql, type Expression, type RawBuilder, type SqlBool } from 'kysely';
import { escapeLike, type DialectSupport } from '../../store/dialect-support.js';
import { invalidFilter, invalidValue } from '../scim-error.js';
import { formatAttrPath, type AttrPath, type CompareNode, type FilterNode, type FilterValue, type PresentNode } from './filter-ast.js';
import type { FilterCatalog, GroupMembersAttribute, JsonArrayAttribute } from './filter-catalog.js';
import { normaliseDateTime } from './normalise-date-time.js';
import { parsePatchPath } from './parse-path.js';

/** One comparable SQL value: a column, a JSON element's sub-attribute, or a member id. */
interface Operand {
  name: string;
  expr: Expression<unknown>;
  /** jsonBoolean: a JSON boolean, which SQLite's json_extract reads as 1/0 and PostgreSQL's ->> as 'true'/'false'. */
  type: 'string' | 'boolean' | 'integer' | 'dateTime' | 'jsonBoolean';
  caseExact: boolean;
  lowerExpr?: Expression<unknown>;
  /** LIKE differs per database (case folding, GLOB for case-sensitive SQLite). */
  dialect: DialectSupport;
}

/** What a path names in the current scope: a scalar, or a collection filters must search with EXISTS. */
type Target = { kind: 'scalar'; operand: Operand } | { kind: 'collection'; collection: Collection };

interface Collection {
  /** `exists (select 1 from … where <condition>)`. */
  exists(condition: RawBuilder<SqlBool> | undefined): RawBuilder<SqlBool>;
  /** The operand a comparison on the collection itself (its "value") or on the named sub-attribute is about. */
  element(): Operand;
  /** Resolves the relative paths of a value filter (`emails[type eq "work"]`). */
  scope: Scope;
  /** Whether the path named a sub-attribute, so `pr` tests it rather than any element. */
  hasSubAttribute: boolean;
}

type Scope = (path: AttrPath) => Target;

const JSON_ALIAS = 'e';
const MEMBER_ALIAS = 'gm';
const ORDERING = { eq: '=', gt: '>', ge: '>=', lt: '<', le: '<=' } as const;

/**
 * Compile a filter AST to a Kysely boolean expression over the catalog's tables, for
 * `db.selectFrom('membership').selectAll().where(compileFilter(ast, catalog, dialect))`.
 * Every condition runs in the database, multi-valued ones as EXISTS over JSON elements or the
 * member table; nothing is filtered in memory. Comparison semantics follow RFC 7644 §3.4.2.2:
 * `ne` and `not` also match rows where the attribute is absent (SQL NULL is "unknown", so they use
 * `is not true`), and a multi-valued attribute matches when any of its values does.
 * @throws ScimError invalidFilter naming the attribute for unknown attributes, operators that do not
 * apply to the attribute's type, and literals that cannot be read as that type.
 */
export function compileFilter(node: FilterNode, catalog: FilterCatalog, dialect: DialectSupport): Expression<SqlBool> {
  return compileNode(node, topScope(catalog, dialect), true);
}

/**
 * The column to sort by for RFC 7644 §3.4.2.3 `sortBy`; case-insensitive attributes sort by their
 * lower-case copy when one exists, so the order is the same on SQLite and PostgreSQL.
 * @throws ScimError invalidValue for unknown or multi-valued attributes.
 */
export function compileSortBy(path: string, catalog: FilterCatalog): string {
  let parsed;
  try {
    parsed = parsePatchPath(path);
  } catch {
    throw invalidValue(`sortBy: ${JSON.stringify(path)} is not an attribute path`);
  }
  const resolved = parsed.filter ? undefined : catalog.resolve(parsed);
  if (!resolved) throw invalidValue(`sortBy: ${JSON.stringify(path)} is not a known attribute`);
  if (resolved.kind !== 'column') throw invalidValue(`sortBy: ${resolved.name} is multi-valued; only single-valued attributes can be sorted by`);
  return resolved.lowerColumn ?? resolved.column;
}

function compileNode(node: FilterNode, scope: Scope, topLevel: boolean): RawBuilder<SqlBool> {
  switch (node.op) {
    case 'and':
      return sql<SqlBool>`(${compileNode(node.left, scope, topLevel)} and ${compileNode(node.right, scope, topLevel)})`;
    case 'or':
      return sql<SqlBool>`(${compileNode(node.left, scope, topLevel)} or ${compileNode(node.right, scope, topLevel)})`;
    case 'not':
      return sql<SqlBool>`((${compileNode(node.expr, scope, topLevel)}) is not true)`;
    case 'valuePath': {
      if (!topLevel) throw invalidFilter(`filter: value filters cannot be nested (${formatAttrPath(node.path)})`);
      if (node.path.subAttribute !== undefined) throw invalidFilter(`filter: a value filter needs a multi-valued attribute, not ${formatAttrPath(node.path)}`);
      const target = scope(node.path);
      if (target.kind === 'scalar') throw invalidFilter(`filter: ${target.operand.name} is single-valued and cannot take a value filter`);
      return target.collection.exists(compileNode(node.filter, target.collection.scope, false));
    }
    default:
      return compileCondition(node, scope);
  }
}

function compileCondition(node: PresentNode | CompareNode, scope: Scope): RawBuilder<SqlBool> {
  const target = scope(node.path);
  if (target.kind === 'scalar') return compareOperand(node, target.operand);
  const { collection } = target;
  const element = collection.element();
  if (node.op === 'pr') return collection.exists(collection.hasSubAttribute ? present(element) : undefined);
  if (node.value === null && (node.op === 'eq' || node.op === 'ne')) {
    const any = collection.exists(present(element));
    return node.op === 'ne' ? any : sql<SqlBool>`(not ${any})`;
  }
  // `emails ne "a@x"`: no email is a@x (which includes having none), not "some email is not a@x".
  if (node.op === 'ne') return sql<SqlBool>`(not ${collection.exists(compareOperand({ ...node, op: 'eq' }, element))})`;
  return collection.exists(compareOperand(node, element));
}

function compareOperand(node: PresentNode | CompareNode, operand: Operand): RawBuilder<SqlBool> {
  if (node.op === 'pr') return present(operand);
  const value = coerce(node, operand);
  const x = operand.expr;
  if (value === null) {
    if (node.op === 'eq') return sql<SqlBool>`(${x} is null)`;
    if (node.op === 'ne') return sql<SqlBool>`(${x} is not null)`;
    throw invalidFilter(`filter: "${node.op}" cannot compare ${operand.name} with null`);
  }
  if (node.op === 'ne') return sql<SqlBool>`((${compareOperand({ ...node, op: 'eq' }, operand)}) is not true)`;
  if (node.op === 'co' || node.op === 'sw' || node.op === 'ew') {
    if (operand.type !== 'string') throw invalidFilter(`filter: "${node.op}" needs a string attribute; ${operand.name} is ${describeType(operand)}`);
    return substring(node.op, operand, String(value));
  }
  const comparator = sql.raw(ORDERING[node.op]);
  switch (operand.type) {
    case 'boolean':
    case 'jsonBoolean':
      if (node.op !== 'eq') throw invalidFilter(`filter: "${node.op}" cannot compare ${operand.name}, which is a boolean; use eq, ne or pr`);
      return operand.type === 'boolean'
        ? sql<SqlBool>`(${x} = ${value ? 1 : 0})`
        : sql<SqlBool>`(lower(cast(${x} as text)) in (${sql.lit(value ? 'true' : 'false')}, ${sql.lit(value ? '1' : '0')}))`;
    case 'string':
      if (operand.caseExact) return sql<SqlBool>`(${x} ${comparator} ${value})`;
      // The lower-case copy is written with JS toLowerCase, so the literal is lowered the same way.
      if (node.op === 'eq' && operand.lowerExpr) return sql<SqlBool>`(${operand.lowerExpr} = ${String(value).toLowerCase()})`;
      // Both sides through SQL lower(): SQLite's lower() only folds ASCII, and mixing it with JS folding would not match.
      return sql<SqlBool>`(lower(${x}) ${comparator} lower(cast(${value} as text)))`;
    default:
      return sql<SqlBool>`(${x} ${comparator} ${value})`;
  }
}

function substring(op: 'co' | 'sw' | 'ew', operand: Operand, value: string): RawBuilder<SqlBool> {
  const escaped = escapeLike(value);
  const pattern = op === 'co' ? `%${escaped}%` : op === 'sw' ? `${escaped}%` : `%${escaped}`;
  return operand.caseExact ? operand.dialect.likeSensitive(operand.expr, pattern) : operand.dialect.likeInsensitive(operand.expr, pattern);
}

function present(operand: Operand): RawBuilder<SqlBool> {
  return operand.type === 'string' ? sql<SqlBool>`(${operand.expr} is not null and ${operand.expr} <> '')` : sql<SqlBool>`(${operand.expr} is not null)`;
}

/** Read the literal as the attribute's type where that loses nothing (RFC 7644 leaves coercion to the server). */
function coerce(node: CompareNode, operand: Operand): FilterValue {
  const { value } = node;
  if (value === null) return null;
  const refuse = () =>
    invalidFilter(`filter: ${operand.name} is ${describeType(operand)} and cannot be compared with ${JSON.stringify(value)}`);
  switch (operand.type) {
    case 'string':
      if (typeof value === 'boolean') throw refuse();
      return String(value);
    case 'integer':
      if (typeof value === 'number' && Number.isInteger(value)) return value;
      if (typeof value === 'string' && /^-?\d+$/.test(value.trim())) return Number(value);
      throw refuse();
    case 'dateTime': {
      const normalised = typeof value === 'string' ? normaliseDateTime(value) : undefined;
      if (normalised === undefined) {
        throw invalidFilter(`filter: ${operand.name} is a dateTime; ${JSON.stringify(value)} is not an ISO-8601 date-time such as "2026-11-23T15:00:00Z"`);
      }
      return normalised;
    }
    case 'boolean':
    case 'jsonBoolean':
      if (typeof value === 'boolean') return value;
      if (typeof value === 'string' && /^(true|false)$/i.test(value)) return value.toLowerCase() === 'true';
      throw refuse();
  }
}

function describeType(operand: Operand): string {
  switch (operand.type) {
    case 'jsonBoolean':
    case 'boolean':
      return 'a boolean';
    case 'integer':
      return 'an integer';
    case 'dateTime':
      return 'a dateTime';
    case 'string':
      return 'a string';
  }
}

function unknown(path: AttrPath): never {
  throw invalidFilter(`filter: unknown attribute or one that cannot be filtered: ${formatAttrPath(path)}`);
}

function topScope(catalog: FilterCatalog, dialect: DialectSupport): Scope {
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
        return { kind: 'collection', collection: jsonArrayCollection(resolved, dialect) };
      case 'groupMembers':
        return { kind: 'collection', collection: memberCollection(resolved, path, dialect) };
    }
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
