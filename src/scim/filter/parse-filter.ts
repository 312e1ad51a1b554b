import { invalidFilter } from '../scim-error.js';
import type { FilterNode } from './filter-ast.js';
import { DEFAULT_FILTER_BUDGETS, type FilterBudgets } from './filter-budgets.js';
import { FilterParser } from './filter-parser.js';

/**
 * Parse an RFC 7644 §3.4.2.2 filter, e.g. `userName eq "bjensen" and not (emails[type eq "work"] pr)`.
 * Also accepts Entra's `emails[type eq "work"].value eq "x"` as a value filter on both conditions.
 * Unquoted string values are refused here; the compat layer quotes them for the IdPs that need it.
 * A request's filter is parsed under its budgets (`ctx.budgets`); other callers get the defaults.
 * @throws ScimError invalidFilter with the expected token and its 0-based position; invalidFilter naming
 * `scim.budgets.filterLength`, `filterDepth` or `filterTerms`, or tooMany naming `scim.budgets.substringTerms`,
 * when the filter is over one of them.
 */
export function parseFilter(text: string, budgets: Readonly<FilterBudgets> = DEFAULT_FILTER_BUDGETS): FilterNode {
  if (text.trim() === '') throw invalidFilter('filter: the filter is empty');
  return new FilterParser(text, 'filter', invalidFilter, budgets).parseWholeFilter();
}
