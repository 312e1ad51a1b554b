import type { ScimBudgets } from '../../src/scim/scim-budgets.js';

/** One HTTP request, relative to a workspace's SCIM base path. */
export interface ScimRequest {
  method: 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE';
  path: string;
  body?: unknown;
}

/** A tenant's loop of one kind of heavy request: iteration i sends `requests(i)` one after another. */
export interface HeavyLoop {
  name: string;
  requests(iteration: number): ScimRequest[];
}

/** What the heavy loops of a tenant work on: one of its users, one of its groups, and members to add to it. */
export interface HeavyTarget {
  userId: string;
  groupId: string;
  /** At least `budgets.groupMembers` user ids of the same workspace that are not in the group. */
  memberIds: readonly string[];
  /** Users in the workspace: the list loop pages through them. */
  rows: number;
}

const PATCH_URN = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';

/** `budgets.patchOperations` operations on one user, each setting its title (the last one wins). */
export function heaviestUserPatch(userId: string, budgets: Pick<ScimBudgets, 'patchOperations'>, iteration: number): ScimRequest {
  const Operations = Array.from({ length: budgets.patchOperations }, (_, k) => ({ op: 'replace', path: 'title', value: `title ${iteration}-${k}` }));
  return { method: 'PATCH', path: `/Users/${userId}`, body: { schemas: [PATCH_URN], Operations } };
}

/**
 * A filter with `filterTerms` comparisons, `substringTerms` of them `co` (each scans the workspace), the rest
 * equality on userName, or-ed: as long as the budgets allow, in fewer characters than `filterLength`.
 */
export function heaviestFilter(budgets: Pick<ScimBudgets, 'filterTerms' | 'substringTerms' | 'filterLength'>, iteration: number): string {
  const terms = Array.from({ length: budgets.filterTerms }, (_, k) => (k < budgets.substringTerms ? `userName co "${(iteration + k) % 10}x"` : `userName eq "n${k}"`));
  const filter = terms.join(' or ');
  if (filter.length > budgets.filterLength) throw new Error(`the heaviest filter has ${filter.length} characters, over filterLength ${budgets.filterLength}`);
  return filter;
}

/** The heavy loops one tenant runs at once: the largest PATCH, filter, group change and page each budget allows. */
export function heavyLoops(target: HeavyTarget, budgets: Readonly<ScimBudgets>, maxCount: number): HeavyLoop[] {
  const members = target.memberIds.slice(0, budgets.groupMembers).map((value) => ({ value }));
  if (members.length < budgets.groupMembers) throw new Error(`the group loop needs ${budgets.groupMembers} members, got ${members.length}`);
  return [
    { name: 'PATCH User (patchOperations ops)', requests: (i) => [heaviestUserPatch(target.userId, budgets, i)] },
    { name: 'filter (filterTerms, substringTerms co)', requests: (i) => [{ method: 'GET', path: `/Users?count=${maxCount}&filter=${encodeURIComponent(heaviestFilter(budgets, i))}` }] },
    {
      name: 'PATCH Group ± groupMembers members',
      requests: () => [
        { method: 'PATCH', path: `/Groups/${target.groupId}`, body: { schemas: [PATCH_URN], Operations: [{ op: 'add', path: 'members', value: members }] } },
        { method: 'PATCH', path: `/Groups/${target.groupId}`, body: { schemas: [PATCH_URN], Operations: [{ op: 'remove', path: 'members', value: members }] } },
      ],
    },
    { name: 'list count=maxCount', requests: (i) => [{ method: 'GET', path: `/Users?count=${maxCount}&startIndex=${1 + ((i * maxCount) % Math.max(1, target.rows - maxCount))}` }] },
  ];
}
