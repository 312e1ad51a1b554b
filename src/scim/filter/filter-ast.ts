/**
 * RFC 7644 §3.4.2.2 filter AST. Plain data: the parser builds it, the evaluator runs it against a JSON
 * resource, the compiler turns it into a Kysely expression.
 */

/** `[uri ":"] attribute ["." subAttribute]`, spelled as the client sent it (canonicalised later). */
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

/** `emails[type eq "work"]`: `filter`'s paths are relative to one element of `path`. */
export interface ValuePathNode {
  op: 'valuePath';
  path: AttrPath;
  filter: FilterNode;
}

export type FilterNode = LogicalNode | NotNode | PresentNode | CompareNode | ValuePathNode;

/** `urn:…:User:name.givenName` style text for error messages. */
export function formatAttrPath(path: AttrPath): string {
  return `${path.uri !== undefined ? `${path.uri}:` : ''}${path.attribute}${path.subAttribute !== undefined ? `.${path.subAttribute}` : ''}`;
}
