import { invalidPath } from '../scim-error.js';
import type { FilterNode } from './filter-ast.js';
import { DEFAULT_FILTER_BUDGETS, type FilterBudgets } from './filter-budgets.js';
import { FilterParser } from './filter-parser.js';

/**
 * A PATCH operation's path (RFC 7644 §3.5.2): `attribute[.subAttribute]`, optionally URN-qualified, or
 * `attribute[filter][.subAttribute]`. `subAttribute` is set both for `name.familyName` and for
 * `emails[type eq "work"].value`; `filter` only for the second.
 */
export interface PatchPath {
  uri?: string;
  attribute: string;
  subAttribute?: string;
  filter?: FilterNode;
}

/**
 * The path's value filter is held to the filter budgets (the length is the whole path's): a request's path is
 * parsed under its budgets (`ctx.budgets`), other callers get the defaults.
 * @throws ScimError invalidPath with the expected token and its 0-based position; invalidFilter or tooMany
 * naming the `scim.budgets.*` limit the path is over (RFC 7644 §3.12 gives invalidFilter for a PATCH path's filter).
 */
export function parsePatchPath(text: string, budgets: Readonly<FilterBudgets> = DEFAULT_FILTER_BUDGETS): PatchPath {
  if (text.trim() === '') throw invalidPath('path: the path is empty');
  const { path, filter, subAttribute } = new FilterParser(text, 'path', invalidPath, budgets).parsePatchPath();
  return {
    ...path,
    ...(subAttribute !== undefined ? { subAttribute } : {}),
    ...(filter !== undefined ? { filter } : {}),
  };
}
