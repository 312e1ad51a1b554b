import { ScimError, type ScimType } from './scim-error.js';

/**
 * How much work one SCIM request may ask for, checked before the work starts so no tenant can hold the event loop
 * or database for long. Refusals name the limit (`scim.budgets.<name>`).
 */
export interface ScimBudgets {
  patchOperations: number;
  /** Group members one request adds, removes or sets. */
  groupMembers: number;
  /** Characters in a filter or a PATCH path's value filter. */
  filterLength: number;
  /** Nesting of `(`, `not (` and `[` in one filter. */
  filterDepth: number;
  filterTerms: number;
  /** `co`/`sw`/`ew` comparisons: each scans the workspace's rows. */
  substringTerms: number;
  /** Separate EXISTS searches of multi-valued attributes (after or-merging): each passes over every row's elements. */
  elementTerms: number;
  jsonDepth: number;
  /** Characters in userName, externalId and group displayName: indexed, and index entries have a size limit. */
  identifierLength: number;
  stringLength: number;
  multiValuedEntries: number;
  /** Bytes of resources in one list response; pages may be short. */
  responseBytes: number;
  /** Query timeout (PostgreSQL statement_timeout). */
  queryTimeoutMs: number;
  /** Expensive requests one workspace may run at once. */
  heavyRequestsPerWorkspace: number;
  /** Expensive requests of one workspace that may wait; past that, 429. */
  heavyRequestQueue: number;
}

/** Identifiers are capped so a 4-byte-per-character index entry stays under PostgreSQL's btree limit. */
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

/** 400 with `scimType`, or 413 for a body too large. Messages never quote request values (size, secrets). */
export function overBudget(name: keyof ScimBudgets, limit: number, what: string, advice: string, scimType: ScimType | undefined = 'invalidValue', status = 400): ScimError {
  return new ScimError(status, scimType, `${what} is over the limit of ${limit} (scim.budgets.${name}); ${advice}`);
}
