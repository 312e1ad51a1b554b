import { DEFAULT_SCIM_BUDGETS, overBudget, type ScimBudgets } from '../scim-budgets.js';
import type { ScimError } from '../scim-error.js';

/** The budgets a filter is parsed under; a handler passes `ctx.budgets` as it is. */
export type FilterBudgets = Pick<ScimBudgets, 'filterLength' | 'filterDepth' | 'filterTerms' | 'substringTerms'>;

/** The defaults, for callers without a request context. */
export const DEFAULT_FILTER_BUDGETS: Readonly<FilterBudgets> = DEFAULT_SCIM_BUDGETS;

/** Errors name the budget and never quote the text. */
export function filterTooLong(label: string, length: number, limit: number): ScimError {
  return overBudget('filterLength', limit, `${label}: its length of ${length} characters`, 'send a shorter filter, or split it into several requests', 'invalidFilter');
}

export function filterTooDeep(label: string, depth: number, position: number, limit: number): ScimError {
  return overBudget(
    'filterDepth',
    limit,
    `${label}: nesting ${depth} deep (parentheses, "not (" and value filters) at position ${position}`,
    'drop parentheses that group nothing (and/or chains need none), or split the filter into several requests',
    'invalidFilter',
  );
}

export function tooManyTerms(label: string, count: number, position: number, limit: number): ScimError {
  return overBudget('filterTerms', limit, `${label}: comparison number ${count} (at position ${position})`, 'split the filter into several requests', 'invalidFilter');
}

/** tooMany: each substring term scans the workspace's rows. */
export function tooManySubstringTerms(label: string, count: number, position: number, limit: number): ScimError {
  return overBudget(
    'substringTerms',
    limit,
    `${label}: co, sw or ew comparison number ${count} (at position ${position})`,
    'each one scans every resource of the workspace; compare with eq where you can, or split the filter into several requests',
    'tooMany',
  );
}
