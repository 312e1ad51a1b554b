import { ScimError, type ScimType } from './scim-error.js';

/**
 * How much work one SCIM request may ask for. Each is checked before the work starts, so that no tenant's request
 * can hold the event loop, the database or its connection pool for long; a request over a budget is refused with a
 * SCIM error that names the limit (`scim.budgets.<name>`) and the value it was over.
 */
export interface ScimBudgets {
  /** Operations in one PATCH request. */
  patchOperations: number;
  /** Group members one request adds, removes or sets (the values of all its `members` operations, or a PUT/POST body). */
  groupMembers: number;
  /** Characters in a filter (the `filter` parameter, or a PATCH path's value filter). */
  filterLength: number;
  /** Nesting of parentheses, `not (` and value filters `[...]` in one filter. */
  filterDepth: number;
  /** Comparisons (`attr op value`, `attr pr`) in one filter. */
  filterTerms: number;
  /** Comparisons with `co`, `sw` or `ew` in one filter: each one scans the workspace's rows. */
  substringTerms: number;
  /**
   * Separate searches of multi-valued attributes in one filter (`emails[...]`, `members[...]`), after conditions on
   * one attribute joined by `or` are merged into one: each is a pass over every row's elements.
   */
  elementTerms: number;
  /** Nesting of arrays and objects in a request body. */
  jsonDepth: number;
  /** Characters in userName, externalId and a group's displayName: they are indexed, and an index entry has a size limit. */
  identifierLength: number;
  /** Characters in any other string attribute. */
  stringLength: number;
  /** Entries in one multi-valued attribute of a User (emails, phoneNumbers, addresses, roles, ...). */
  multiValuedEntries: number;
  /** Bytes of resources in one list response: a page ends before the resource that would pass it (RFC 7644 §3.4.2.4 lets a page be short). */
  responseBytes: number;
  /** Milliseconds a SCIM request's query may run before the database cancels it (PostgreSQL's statement_timeout). */
  queryTimeoutMs: number;
  /** Expensive requests (filtered lists, large group changes) one workspace may run at once; the rest wait their turn. */
  heavyRequestsPerWorkspace: number;
  /** Expensive requests of one workspace that may wait for a turn; past it they get 429 with Retry-After. */
  heavyRequestQueue: number;
}

/**
 * The defaults. userName, externalId and displayName are capped at 512 characters: four bytes each at most, so an
 * index entry stays below PostgreSQL's btree limit (about 2,700 bytes) with room for the workspace id. Entra's
 * userPrincipalName is at most 113 characters, Okta's login 100.
 */
export const DEFAULT_SCIM_BUDGETS: Readonly<ScimBudgets> = Object.freeze({
  patchOperations: 10_000,
  groupMembers: 10_000,
  filterLength: 4_096,
  filterDepth: 16,
  filterTerms: 100,
  substringTerms: 4,
  elementTerms: 4,
  jsonDepth: 32,
  identifierLength: 512,
  stringLength: 4_096,
  multiValuedEntries: 100,
  responseBytes: 16 * 1024 * 1024,
  queryTimeoutMs: 5_000,
  heavyRequestsPerWorkspace: 2,
  heavyRequestQueue: 32,
});

/**
 * The error for a request over budget `name`: 400 with `scimType` (invalidValue, invalidFilter, tooMany, ...) or,
 * for a body too large to take, 413. `what` says what was counted, `advice` what to send instead; neither may
 * quote the request's values, which can be megabytes or secrets.
 */
export function overBudget(name: keyof ScimBudgets, limit: number, what: string, advice: string, scimType: ScimType | undefined = 'invalidValue', status = 400): ScimError {
  return new ScimError(status, scimType, `${what} is over the limit of ${limit} (scim.budgets.${name}); ${advice}`);
}
