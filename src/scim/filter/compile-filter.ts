import { sql, type Expression, type RawBuilder, type SqlBool } from 'kysely';
import { DEFAULT_SCIM_BUDGETS, overBudget, type ScimBudgets } from '../scim-budgets.js';
import { valueExcerpt } from '../../model/value-excerpt.js';
import { escapeLike, type DialectSupport } from '../../store/dialect-support.js';
import { invalidFilter, invalidValue } from '../scim-error.js';
import { formatAttrPath, type CompareNode, type FilterNode, type FilterValue, type PresentNode } from './filter-ast.js';
import type { FilterCatalog } from './filter-catalog.js';
import { chainOperands } from './chain-operands.js';
import { normalizeDateTime } from './normalize-date-time.js';
import { topScope, type Collection, type Operand, type Scope } from './filter-scope.js';
import { parsePatchPath } from './parse-path.js';

const ORDERING = { eq: '=', gt: '>', ge: '>=', lt: '<', le: '<=' } as const;

/**
 * Compiles a filter to a Kysely boolean expression; everything runs in the database, multi-valued conditions as
 * EXISTS. `ne` and `not` also match rows where the attribute is absent (hence `is not true` for SQL's unknown),
 * and a multi-valued attribute matches when any value does.
 * @throws ScimError invalidFilter naming the attribute, for unknown attributes, operators or unreadable literals.
 */
export function compileFilter(
  node: FilterNode,
  catalog: FilterCatalog,
  dialect: DialectSupport,
  budgets: Pick<ScimBudgets, 'elementTerms'> = DEFAULT_SCIM_BUDGETS,
): Expression<SqlBool> {
  let searches = 0;
  const countSearch = () => {
    searches++;
    if (searches > budgets.elementTerms) {
      throw overBudget(
        'elementTerms',
        budgets.elementTerms,
        `filter: search number ${searches} of a multi-valued attribute (emails, members, ...)`,
        'each one is a pass over every resource\'s values; join conditions on one attribute with or (emails[type eq "work" or value eq "a@x"]), or split the filter into several requests',
        'tooMany',
      );
    }
  };
  return compileNode(node, topScope(catalog, dialect, countSearch), true);
}

/**
 * The `sortBy` column; case-insensitive attributes sort by their lower-case copy so SQLite and PostgreSQL agree.
 * @throws ScimError invalidValue for unknown or multi-valued attributes.
 */
export function compileSortBy(path: string, catalog: FilterCatalog): string {
  let parsed;
  try {
    parsed = parsePatchPath(path);
  } catch {
    throw invalidValue(`sortBy: ${valueExcerpt(path)} is not an attribute path`);
  }
  const resolved = parsed.filter ? undefined : catalog.resolve(parsed);
  if (!resolved) throw invalidValue(`sortBy: ${valueExcerpt(path)} is not a known attribute`);
  if (resolved.kind !== 'column') throw invalidValue(`sortBy: ${resolved.name} is multi-valued; only single-valued attributes can be sorted by`);
  return resolved.lowerColumn ?? resolved.column;
}

/** Recursive over nesting only (bounded by filterDepth); chains are compiled in a loop. */
function compileNode(node: FilterNode, scope: Scope, topLevel: boolean): RawBuilder<SqlBool> {
  switch (node.op) {
    case 'and': {
      // `not a and not b` is `not (a or b)`: one disjunction reads each row's elements once.
      const parts: RawBuilder<SqlBool>[] = [];
      let negated: Disjuncts | undefined;
      for (const operand of chainOperands(node)) {
        const inner = negatedNode(operand);
        if (inner === undefined) parts.push(compileNode(operand, scope, topLevel));
        else for (const term of inner.op === 'or' ? chainOperands(inner) : [inner]) (negated ??= new Disjuncts()).add(term, scope, topLevel);
      }
      if (negated) parts.push(sql<SqlBool>`((${negated.toSql()}) is not true)`);
      return balanced(parts, sql.raw('and'));
    }
    case 'or': {
      const disjuncts = new Disjuncts();
      for (const operand of chainOperands(node)) disjuncts.add(operand, scope, topLevel);
      return disjuncts.toSql();
    }
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

/** The node `node` negates (`not (x)`, or `eq` for `ne` with a non-null value); else undefined. */
function negatedNode(node: FilterNode): FilterNode | undefined {
  if (node.op === 'not') return node.expr;
  if (node.op === 'ne' && node.value !== null) return { ...node, op: 'eq' };
  return undefined;
}

/** SQLite refuses too-deep expression trees and nests flat `or` chains per term, so chains are joined balanced. */
function balanced(parts: readonly RawBuilder<SqlBool>[], operator: RawBuilder<unknown>): RawBuilder<SqlBool> {
  if (parts.length === 1) return parts[0]!;
  const half = Math.ceil(parts.length / 2);
  return sql<SqlBool>`(${balanced(parts.slice(0, half), operator)} ${operator} ${balanced(parts.slice(half), operator)})`;
}

/** Undefined for booleans, which compare by more than `=`. */
interface Equality {
  left: Expression<unknown>;
  right: unknown;
}

function equality(operand: Operand, value: Exclude<FilterValue, null>): Equality | undefined {
  switch (operand.type) {
    case 'boolean':
    case 'jsonBoolean':
      return undefined;
    case 'string':
      if (operand.caseExact) return { left: operand.expr, right: value };
      // The lower-case copy is written with JS toLowerCase, so the literal is lowered the same way.
      if (operand.lowerExpr) return { left: operand.lowerExpr, right: String(value).toLowerCase() };
      // Both sides through SQL lower(): SQLite's lower() folds only ASCII, so mixing it with JS folding would not match.
      return { left: sql`lower(${operand.expr})`, right: sql`lower(cast(${value} as text))` };
    default:
      return { left: operand.expr, right: value };
  }
}

/**
 * An or-chain compiled so the database does each kind of work once per row: equalities on one attribute become
 * one `in (…)`, and conditions on one multi-valued attribute share one EXISTS. The rest stays in order.
 */
class Disjuncts {
  private readonly parts: Array<{ kind: 'sql'; expr: RawBuilder<SqlBool> } | EqualityGroup | ElementGroup> = [];
  private readonly equalities = new Map<string, EqualityGroup>();
  private readonly elements = new Map<string, ElementGroup>();

  add(node: FilterNode, scope: Scope, topLevel: boolean): void {
    switch (node.op) {
      case 'and':
      case 'or':
      case 'not':
        return this.addSql(compileNode(node, scope, topLevel));
      case 'valuePath': {
        const target = topLevel && node.path.subAttribute === undefined ? scope(node.path) : undefined;
        if (target?.kind !== 'collection') return this.addSql(compileNode(node, scope, topLevel));
        const group = this.elementGroup(target.collection);
        for (const operand of node.filter.op === 'or' ? chainOperands(node.filter) : [node.filter]) group.conditions.add(operand, target.collection.scope, false);
        return;
      }
      default: {
        const target = scope(node.path);
        if (target.kind === 'scalar') return this.addComparison(node, target.operand);
        const { collection } = target;
        // `ne` and `eq null` are about every element (NOT EXISTS), not some element.
        if (node.op === 'ne' || (node.op !== 'pr' && node.value === null)) return this.addSql(compileCondition(node, scope));
        const group = this.elementGroup(collection);
        if (node.op === 'pr' && !collection.hasSubAttribute) group.anyElement = true;
        else group.conditions.addComparison(node, collection.element());
      }
    }
  }

  toSql(): RawBuilder<SqlBool> {
    return balanced(
      this.parts.map((part) => {
        switch (part.kind) {
          case 'sql':
            return part.expr;
          case 'equality':
            return part.rights.length === 1
              ? sql<SqlBool>`(${part.left} = ${part.rights[0]})`
              : sql<SqlBool>`(${part.left} in (${sql.join(part.rights.map((right) => sql`${right}`))}))`;
          case 'element':
            return part.collection.exists(part.anyElement ? undefined : part.conditions.toSql());
        }
      }),
      sql.raw('or'),
    );
  }

  private addSql(expr: RawBuilder<SqlBool>): void {
    this.parts.push({ kind: 'sql', expr });
  }

  private addComparison(node: PresentNode | CompareNode, operand: Operand): void {
    const value = node.op === 'eq' ? coerce(node, operand) : null;
    const found = value === null ? undefined : equality(operand, value);
    if (!found) return this.addSql(compareOperand(node, operand));
    const held = this.equalities.get(operand.name);
    if (held) {
      held.rights.push(found.right);
      return;
    }
    const group: EqualityGroup = { kind: 'equality', left: found.left, rights: [found.right] };
    this.equalities.set(operand.name, group);
    this.parts.push(group);
  }

  private elementGroup(collection: Collection): ElementGroup {
    let group = this.elements.get(collection.key);
    if (!group) {
      group = { kind: 'element', collection, conditions: new Disjuncts(), anyElement: false };
      this.elements.set(collection.key, group);
      this.parts.push(group);
    }
    return group;
  }
}

interface EqualityGroup {
  kind: 'equality';
  left: Expression<unknown>;
  rights: unknown[];
}

/** Any element at all once an operand asks only for that (`emails pr`). */
interface ElementGroup {
  kind: 'element';
  collection: Collection;
  conditions: Disjuncts;
  anyElement: boolean;
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
  // `emails ne "a@x"` means no email is a@x (including none), not "some email is not a@x".
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
  if (node.op === 'eq') {
    const found = equality(operand, value);
    if (found) return sql<SqlBool>`(${found.left} = ${found.right})`;
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
      // Both sides through SQL lower(), as above.
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

/** The literal as the attribute's type, where that loses nothing. */
function coerce(node: CompareNode, operand: Operand): FilterValue {
  const { value } = node;
  if (value === null) return null;
  const refuse = () =>
    invalidFilter(`filter: ${operand.name} is ${describeType(operand)} and cannot be compared with ${valueExcerpt(value)}`);
  switch (operand.type) {
    case 'string':
      if (typeof value === 'boolean') throw refuse();
      return String(value);
    case 'integer':
      if (typeof value === 'number' && Number.isInteger(value)) return value;
      if (typeof value === 'string' && /^-?\d+$/.test(value.trim())) return Number(value);
      throw refuse();
    case 'dateTime': {
      const normalised = typeof value === 'string' ? normalizeDateTime(value) : undefined;
      if (normalised === undefined) {
        throw invalidFilter(`filter: ${operand.name} is a dateTime; ${valueExcerpt(value)} is not an ISO-8601 date-time such as "2026-11-23T15:00:00Z"`);
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
