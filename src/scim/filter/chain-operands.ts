import type { FilterNode, LogicalNode } from './filter-ast.js';

/**
 * The operands of the and/or chain `node` heads, left to right, whatever its associativity. Iterative, so walkers
 * recurse once per nesting level, never once per term.
 */
export function chainOperands(node: LogicalNode): FilterNode[] {
  const operands: FilterNode[] = [];
  const pending: FilterNode[] = [node];
  while (pending.length > 0) {
    const current = pending.pop()!;
    if (current.op === node.op) pending.push(current.right, current.left);
    else operands.push(current);
  }
  return operands;
}
