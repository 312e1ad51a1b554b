import { ScimError, type ScimType } from './scim-error.js';

/** Checked before the work starts, so no tenant holds the event loop or database for long. */
export interface ScimBudgets {
  patchOperations: number;
  /** Members one request adds, removes or sets. */
  groupMembers: number;
  /** Characters, PATCH path filters included. */
  filterLength: number;
  /** Nesting of `(`, `not (` and `[`. */
  filterDepth: number;
  filterTerms: number;
  /** `co`/`sw`/`ew`: each scans the workspace's rows. */
  substringTerms: number;
  /** EXISTS searches of multi-valued attributes: each passes over every row's elements. */
  elementTerms: number;
  jsonDepth: number;
  /** userName, externalId, group displayName: indexed, and index entries are size-limited. */
  identifierLength: number;
  stringLength: number;
  multiValuedEntries: number;
  /** Per list response; pages may come back short. */
  responseBytes: number;
  /** PostgreSQL statement_timeout. */
  queryTimeoutMs: number;
  /** Expensive requests per workspace at once. */
  heavyRequestsPerWorkspace: number;
  /** Expensive requests that may wait; past that, 429. */
  heavyRequestQueue: number;
}

/** identifierLength keeps a 4-byte-per-character index entry under PostgreSQL's btree limit. */
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

/** Never quotes request values (size, secrets). */
export function overBudget(name: keyof ScimBudgets, limit: number, what: string, advice: string, scimType: ScimType | undefined = 'invalidValue', status = 400): ScimError {
  return new ScimError(status, scimType, `${what} is over the limit of ${limit} (scim.budgets.${name}); ${advice}`);
}
