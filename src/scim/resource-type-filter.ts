import { formatAttrPath, type AttrPath, type CompareNode, type FilterNode, type LogicalNode, type NotNode, type PresentNode } from './filter/filter-ast.js';
import { invalidFilter } from './scim-error.js';
import { EXCERPT_CHARACTERS, truncateText } from '../model/value-excerpt.js';

export interface SearchedType {
  name: 'User' | 'Group';
  schema: string;
  knows(path: AttrPath): boolean;
}

/** true: every resource; false: none; else those matching the node. */
export type TypeFilter = boolean | FilterNode;

const lower = (path: AttrPath) => ({ attribute: path.attribute.toLowerCase(), sub: path.subAttribute?.toLowerCase() });

function selectorOf(path: AttrPath, type: SearchedType): string | undefined {
  const { attribute, sub } = lower(path);
  if (attribute === 'schemas' && sub === undefined) return type.schema;
  if (attribute === 'meta' && sub === 'resourcetype') return type.name;
  return undefined;
}

/** Case-insensitive, as URNs and type names are. */
function decideSelector(node: CompareNode | PresentNode, actual: string): boolean {
  if (node.op === 'pr') return true;
  if (typeof node.value !== 'string') return false;
  const have = actual.toLowerCase();
  const want = node.value.toLowerCase();
  switch (node.op) {
    case 'eq':
      return have === want;
    case 'ne':
      return have !== want;
    case 'co':
      return have.includes(want);
    case 'sw':
      return have.startsWith(want);
    case 'ew':
      return have.endsWith(want);
    default:
      return false;
  }
}

const and = (left: TypeFilter, right: TypeFilter): TypeFilter =>
  left === false || right === false ? false : left === true ? right : right === true ? left : { op: 'and', left, right };
const or = (left: TypeFilter, right: TypeFilter): TypeFilter =>
  left === true || right === true ? true : left === false ? right : right === false ? left : { op: 'or', left, right };

/** Attributes the type lacks are false (unassigned). Recursion is bounded by filterTerms. */
export function filterForType(node: FilterNode, type: SearchedType): TypeFilter {
  switch (node.op) {
    case 'and':
      return and(filterForType(node.left, type), filterForType(node.right, type));
    case 'or':
      return or(filterForType(node.left, type), filterForType(node.right, type));
    case 'not': {
      const inner = filterForType(node.expr, type);
      return typeof inner === 'boolean' ? !inner : { op: 'not', expr: inner };
    }
    case 'valuePath':
      return type.knows(node.path) ? node : false;
    default: {
      const selected = selectorOf(node.path, type);
      if (selected !== undefined) return decideSelector(node, selected);
      return type.knows(node.path) ? node : false;
    }
  }
}

/** A name no searched type has is most likely a typo: refuse rather than answer with nothing. */
export function assertKnownSomewhere(node: FilterNode, types: readonly SearchedType[]): void {
  const pending: FilterNode[] = [node];
  while (pending.length > 0) {
    const current = pending.pop()!;
    if (current.op === 'and' || current.op === 'or') {
      pending.push((current as LogicalNode).left, (current as LogicalNode).right);
      continue;
    }
    if (current.op === 'not') {
      pending.push(current.expr);
      continue;
    }
    const { path } = current as Exclude<FilterNode, LogicalNode | NotNode>;
    if (!types.some((type) => selectorOf(path, type) !== undefined || type.knows(path))) {
      throw invalidFilter(`filter: no resource type searched here has the attribute ${truncateText(formatAttrPath(path), EXCERPT_CHARACTERS)}; Users and Groups are searched`);
    }
  }
}
