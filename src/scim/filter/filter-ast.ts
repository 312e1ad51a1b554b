// SCIM filter AST, plain data: parsed once, evaluated in memory or compiled to SQL.

/** Spelled as the client sent it; canonicalised later. */
export interface AttrPath {
  uri?: string;
  attribute: string;
  subAttribute?: string;
}

export type CompareOp = 'eq' | 'ne' | 'co' | 'sw' | 'ew' | 'gt' | 'ge' | 'lt' | 'le';
export const COMPARE_OPS: readonly CompareOp[] = ['eq', 'ne', 'co', 'sw', 'ew', 'gt', 'ge', 'lt', 'le'];

export type FilterValue = string | number | boolean | null;

export interface LogicalNode {
  op: 'and' | 'or';
  left: FilterNode;
  right: FilterNode;
}

export interface NotNode {
  op: 'not';
  expr: FilterNode;
}

export interface PresentNode {
  op: 'pr';
  path: AttrPath;
}

export interface CompareNode {
  op: CompareOp;
  path: AttrPath;
  value: FilterValue;
}

/** `filter`'s paths are relative to one element of `path`. */
export interface ValuePathNode {
  op: 'valuePath';
  path: AttrPath;
  filter: FilterNode;
}

export type FilterNode = LogicalNode | NotNode | PresentNode | CompareNode | ValuePathNode;

/** Path text for error messages. */
export function formatAttrPath(path: AttrPath): string {
  return `${path.uri !== undefined ? `${path.uri}:` : ''}${path.attribute}${path.subAttribute !== undefined ? `.${path.subAttribute}` : ''}`;
}
