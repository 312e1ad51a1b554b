import type { FilterNode, LogicalNode } from './filter-ast.js';

/**
 * The operands of the and (or or) chain `node` heads, left to right: `a or b or c` (left-deep as the parser builds
 * it, or right-deep, or any mix) gives [a, b, c]. Operands of the other operator, `not`, comparisons and value
 * filters are not opened. Iterative, so a walker that calls it recurses once per nesting level, never once per term.
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
