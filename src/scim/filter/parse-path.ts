import { invalidPath } from '../scim-error.js';
import type { FilterNode } from './filter-ast.js';
import { DEFAULT_FILTER_BUDGETS, type FilterBudgets } from './filter-budgets.js';
import { FilterParser } from './filter-parser.js';

/** A PATCH path; `subAttribute` is set for both `name.familyName` and `emails[…].value`, `filter` only for the second. */
export interface PatchPath {
  uri?: string;
  attribute: string;
  subAttribute?: string;
  filter?: FilterNode;
}

/**
 * The path's value filter is held to the filter budgets, its length being the whole path's.
 * @throws ScimError invalidPath with position; invalidFilter or tooMany naming the budget exceeded.
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
