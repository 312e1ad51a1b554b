import { valueExcerpt } from '../../model/value-excerpt.js';
import { invalidFilter } from '../scim-error.js';
import { getValue, isJsonObject, type JsonObject } from '../json-object.js';
import { formatAttrPath, type AttrPath, type CompareOp, type FilterNode, type FilterValue } from './filter-ast.js';
import { chainOperands } from './chain-operands.js';
import { normalizeDateTime } from './normalize-date-time.js';

export interface EvaluateOptions {
  /** Default false. */
  caseExact?: (path: AttrPath) => boolean;
}

/**
 * Evaluates a filter in memory against one object (the PATCH engine's value filters); stored rows are filtered
 * in SQL instead. Names match case-insensitively; a multi-valued attribute matches when any value does.
 */
export function matchesFilter(node: FilterNode, value: JsonObject, options: EvaluateOptions = {}): boolean {
  return evaluate(node, value, options.caseExact ?? (() => false), undefined);
}

type CaseExact = (path: AttrPath) => boolean;

/** Recursive over nesting only, which filterDepth bounds. */
function evaluate(node: FilterNode, root: JsonObject, caseExact: CaseExact, parent: AttrPath | undefined): boolean {
  switch (node.op) {
    case 'and':
      return chainOperands(node).every((operand) => evaluate(operand, root, caseExact, parent));
    case 'or':
      return chainOperands(node).some((operand) => evaluate(operand, root, caseExact, parent));
    case 'not':
      return !evaluate(node.expr, root, caseExact, parent);
    case 'pr':
      return candidates(root, node.path).some(isPresent);
    case 'valuePath': {
      const elements = asList(lookup(root, node.path));
      const base: AttrPath = node.path;
      return elements.some((element) => isJsonObject(element) && evaluate(node.filter, element, caseExact, base));
    }
    default: {
      const full: AttrPath = parent ? { ...(parent.uri !== undefined ? { uri: parent.uri } : {}), attribute: parent.attribute, subAttribute: node.path.attribute } : node.path;
      checkOperator(node.op, node.value, full);
      const values = candidates(root, node.path).filter(isPresent);
      if (node.value === null) return node.op === 'eq' ? values.length === 0 : values.length > 0;
      if (node.op === 'ne') return !values.some((v) => compare('eq', v, node.value, caseExact(full)));
      return values.some((v) => compare(node.op as CompareOp, v, node.value, caseExact(full)));
    }
  }
}

/** Ordering needs a string, number or date; co/sw/ew a string. */
function checkOperator(op: CompareOp, value: FilterValue, path: AttrPath): void {
  const ordering = op === 'gt' || op === 'ge' || op === 'lt' || op === 'le';
  const substring = op === 'co' || op === 'sw' || op === 'ew';
  if ((ordering || substring) && (typeof value === 'boolean' || value === null)) {
    throw invalidFilter(`filter: "${op}" cannot compare ${formatAttrPath(path)} with ${valueExcerpt(value)}`);
  }
}

function compare(op: CompareOp, actual: unknown, literal: FilterValue, caseExact: boolean): boolean {
  if (typeof actual === 'boolean' || typeof literal === 'boolean') {
    return op === 'eq' && typeof actual === 'boolean' && actual === literal;
  }
  if (typeof actual === 'number' && (typeof literal === 'number' || isNumeric(literal))) {
    return order(op, actual - Number(literal), String(actual), String(literal));
  }
  if (typeof actual !== 'string' && typeof actual !== 'number') return false;
  const left = String(actual);
  const right = String(literal);
  const leftTime = left.includes('T') ? normalizeDateTime(left) : undefined;
  const rightTime = right.includes('T') ? normalizeDateTime(right) : undefined;
  if (leftTime !== undefined && rightTime !== undefined && op !== 'co' && op !== 'sw' && op !== 'ew') {
    return order(op, leftTime < rightTime ? -1 : leftTime > rightTime ? 1 : 0, leftTime, rightTime);
  }
  const a = caseExact ? left : left.toLowerCase();
  const b = caseExact ? right : right.toLowerCase();
  return order(op, a < b ? -1 : a > b ? 1 : 0, a, b);
}

function order(op: CompareOp, difference: number, a: string, b: string): boolean {
  switch (op) {
    case 'eq':
      return difference === 0;
    case 'ne':
      return difference !== 0;
    case 'co':
      return a.includes(b);
    case 'sw':
      return a.startsWith(b);
    case 'ew':
      return a.endsWith(b);
    case 'gt':
      return difference > 0;
    case 'ge':
      return difference >= 0;
    case 'lt':
      return difference < 0;
    case 'le':
      return difference <= 0;
  }
}

/** The values a path points at, flattened. */
function candidates(root: JsonObject, path: AttrPath): unknown[] {
  const attribute = lookup(root, path);
  const out: unknown[] = [];
  for (const item of asList(attribute)) {
    if (path.subAttribute !== undefined) {
      if (isJsonObject(item)) out.push(getValue(item, path.subAttribute));
    } else if (isJsonObject(item) && Array.isArray(attribute)) {
      // A filter on a multi-valued complex attribute without a sub-attribute means its "value".
      out.push(getValue(item, 'value'));
    } else {
      out.push(item);
    }
  }
  return out;
}

function lookup(root: JsonObject, path: AttrPath): unknown {
  let base = root;
  if (path.uri !== undefined) {
    const container = getValue(root, path.uri);
    if (isJsonObject(container)) base = container;
  }
  return getValue(base, path.attribute);
}

function asList(value: unknown): unknown[] {
  if (value === undefined || value === null) return [];
  return Array.isArray(value) ? value : [value];
}

function isPresent(value: unknown): boolean {
  if (value === undefined || value === null || value === '') return false;
  if (Array.isArray(value)) return value.length > 0;
  if (isJsonObject(value)) return Object.values(value).some(isPresent);
  return true;
}

function isNumeric(value: FilterValue): boolean {
  return typeof value === 'string' && value.trim() !== '' && Number.isFinite(Number(value));
}
