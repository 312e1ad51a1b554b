import { invalidFilter } from '../scim-error.js';
import type { FilterNode } from './filter-ast.js';
import { DEFAULT_FILTER_BUDGETS, type FilterBudgets } from './filter-budgets.js';
import { FilterParser } from './filter-parser.js';

/**
 * Parses a filter under the request's budgets (defaults elsewhere). Also accepts Entra's `emails[…].value eq "x"`.
 * Unquoted strings are refused; the compat layer quotes them for IdPs that need it.
 * @throws ScimError invalidFilter with position, or naming the budget exceeded (tooMany for substringTerms).
 */
export function parseFilter(text: string, budgets: Readonly<FilterBudgets> = DEFAULT_FILTER_BUDGETS): FilterNode {
  if (text.trim() === '') throw invalidFilter('filter: the filter is empty');
  return new FilterParser(text, 'filter', invalidFilter, budgets).parseWholeFilter();
}
