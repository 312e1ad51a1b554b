import { getValue, isJsonObject } from './json-object.js';
import { shownPath } from '../model/value-excerpt.js';
import type { FilterNode } from './filter/filter-ast.js';
import type { FilterBudgets } from './filter/filter-budgets.js';
import { parsePatchPath } from './filter/parse-path.js';
import type { PatchOp } from './patch/patch-op.js';
import { overBudget, type ScimBudgets } from './scim-budgets.js';
import { invalidFilter, invalidPath, invalidValue } from './scim-error.js';

/**
 * Group `members` operations as set arithmetic on member ids, so a PATCH that adds or removes 10,000 members
 * is one read of the current set, one existence check in chunks, and bulk writes: never a round trip per member.
 * Every other operation goes to the generic PATCH engine.
 */
export interface SplitOps {
  memberOps: PatchOp[];
  otherOps: PatchOp[];
}

const isMembersPath = (path: string | undefined) => path !== undefined && /^\s*members\b/i.test(path.replace(/^\s*urn:ietf:params:scim:schemas:core:2\.0:Group:/i, ''));

export function splitMemberOps(ops: readonly PatchOp[]): SplitOps {
  const memberOps: PatchOp[] = [];
  const otherOps: PatchOp[] = [];
  for (const op of ops) {
    if (isMembersPath(op.path)) {
      memberOps.push(op);
    } else if (op.path === undefined && isJsonObject(op.value) && getValue(op.value, 'members') !== undefined) {
      // A pathless value object may carry members next to displayName: treat that part as `op members`.
      const { members, rest } = Object.entries(op.value).reduce(
        (acc, [k, v]) => (k.toLowerCase() === 'members' ? { ...acc, members: v } : { ...acc, rest: { ...acc.rest, [k]: v } }),
        { members: undefined as unknown, rest: {} as Record<string, unknown> },
      );
      memberOps.push({ op: op.op, path: 'members', value: members });
      if (Object.keys(rest).length > 0) otherOps.push({ op: op.op, value: rest });
    } else {
      otherOps.push(op);
    }
  }
  return { memberOps, otherOps };
}

function memberIds(value: unknown, op: string): string[] {
  if (value === undefined || value === null) return [];
  const items = Array.isArray(value) ? value : [value];
  return items.map((item, i) => {
    const id = isJsonObject(item) ? getValue(item, 'value') : item;
    if (typeof id !== 'string' || id === '') throw invalidValue(`${op} members: value[${i}] must be an object with the member's id in "value"`);
    return id;
  });
}

/**
 * The member ids a members filter names. A member's id is opaque, so the only filter that means anything on it is
 * equality: `value eq "id"` (the shape both IdPs send), or several joined by `or`. Each is answered by a set
 * lookup; a substring or ordering match (`value co "…"`, `sw`, `gt`), `not`, or a filter on another sub-attribute
 * would have to test every member of a group that can have tens of thousands, once per operation, and is refused.
 * @throws ScimError invalidFilter naming the supported form.
 */
function filteredIds(filter: FilterNode, path: string): string[] {
  const ids: string[] = [];
  const pending: FilterNode[] = [filter];
  while (pending.length > 0) {
    const node = pending.pop()!;
    if (node.op === 'or') {
      pending.push(node.right, node.left);
    } else if (node.op === 'eq' && node.path.attribute.toLowerCase() === 'value' && node.path.uri === undefined && !node.path.subAttribute && typeof node.value === 'string') {
      ids.push(node.value);
    } else {
      throw invalidFilter(`${shownPath(path)}: a members filter can only select members by id, as members[value eq "<user id>"] (several joined by "or")`);
    }
  }
  return ids;
}

/** One members operation, checked and reduced to member ids. */
export interface MemberOp {
  /** add and remove take `ids`; replace sets the members to `ids`; clear removes every member. */
  kind: 'add' | 'remove' | 'replace' | 'clear';
  ids: string[];
}

/**
 * Check `members` operations and reduce each to member ids, before any of them is applied (so a malformed one
 * fails the request before it reads anything).
 * @throws ScimError invalidPath, invalidFilter or invalidValue naming what is wrong.
 */
export function compileMemberOps(ops: readonly PatchOp[], filterBudgets?: Readonly<FilterBudgets>): MemberOp[] {
  return ops.map((op) => {
    const path = parsePatchPath(op.path ?? 'members', filterBudgets);
    if (path.subAttribute) throw invalidPath(`${shownPath(op.path ?? '')}: members can be added, removed or replaced, not edited in place`);
    if (path.filter) {
      if (op.op !== 'remove') throw invalidPath(`${shownPath(op.path ?? '')}: a filtered members path can only be removed; to change members, add or replace them`);
      return { kind: 'remove', ids: filteredIds(path.filter, op.path ?? '') };
    }
    const ids = memberIds(op.value, op.op);
    if (op.op === 'remove' && ids.length === 0) return { kind: 'clear', ids };
    return { kind: op.op, ids };
  });
}

/** The member set after the operations: `applyMemberChanges` of `compileMemberOps`. */
export function applyMemberOps(current: ReadonlySet<string>, ops: readonly PatchOp[]): Set<string> {
  return applyMemberChanges(current, compileMemberOps(ops));
}

/**
 * The member set after the compiled operations, applied in order as RFC 7644 §3.5.2 requires: set operations,
 * O(members + ids). Removing a member that is not there is done already: IdPs retry.
 */
export function applyMemberChanges(current: ReadonlySet<string>, ops: readonly MemberOp[]): Set<string> {
  const next = new Set(current);
  for (const { kind, ids } of ops) {
    if (kind === 'clear' || kind === 'replace') next.clear();
    if (kind === 'remove') for (const id of ids) next.delete(id);
    else for (const id of ids) next.add(id);
  }
  return next;
}

/** The member ids the changes name, when they only add and remove those; null when one replaces or clears the set. */
export function namedMembers(changes: readonly MemberOp[]): Set<string> | null {
  const named = new Set<string>();
  for (const { kind, ids } of changes) {
    if (kind === 'replace' || kind === 'clear') return null;
    for (const id of ids) named.add(id);
  }
  return named;
}

/** How many members changing `current` into `next` adds and removes. */
export function membersChanged(current: ReadonlySet<string>, next: ReadonlySet<string>): number {
  let count = 0;
  for (const id of next) if (!current.has(id)) count++;
  for (const id of current) if (!next.has(id)) count++;
  return count;
}

/** How many member values `value` (a `members` value: an array, one element, or nothing) names. */
const valuesIn = (value: unknown) => (value === undefined || value === null ? 0 : Array.isArray(value) ? value.length : 1);

/**
 * The member values a PATCH body names, counted on the body as sent (before any normalising, which is work too):
 * each element of a `members` value, one per filtered `members[...]` path, and the `members` of a pathless value.
 * Structural keys match in any case; anything malformed counts as nothing here and is refused later.
 */
export function memberValuesOfPatch(body: unknown): number {
  const operations = isJsonObject(body) ? getValue(body, 'Operations') : undefined;
  if (!Array.isArray(operations)) return 0;
  let count = 0;
  for (const raw of operations) {
    if (!isJsonObject(raw)) continue;
    const path = getValue(raw, 'path');
    const value = getValue(raw, 'value');
    if (typeof path === 'string') {
      if (isMembersPath(path)) count += path.includes('[') ? 1 : valuesIn(value);
    } else if (isJsonObject(value)) {
      count += valuesIn(getValue(value, 'members'));
    }
  }
  return count;
}

/** The member values of a POST or PUT body as sent. */
export function memberValuesOfBody(body: unknown): number {
  return isJsonObject(body) ? valuesIn(getValue(body, 'members')) : 0;
}

/**
 * Refuse a request that adds, removes or sets more group members than `scim.budgets.groupMembers` allows: `count`
 * is what the request names, or what it changes (a `replace` or a `remove` of all members changes every member).
 * @throws ScimError 400 invalidValue naming the budget.
 */
export function checkGroupMembers(count: number, budgets: Readonly<Pick<ScimBudgets, 'groupMembers'>>, what: string): void {
  if (count <= budgets.groupMembers) return;
  throw overBudget('groupMembers', budgets.groupMembers, `${what} (${count.toLocaleString('en-US')})`, 'send the members in several requests of at most that many');
}

/** Members of a POST or PUT body. */
export function memberIdsOfBody(members: unknown): string[] {
  if (members === undefined || members === null) return [];
  if (!Array.isArray(members)) throw invalidValue('members must be an array of {"value": "<user id>"}');
  return memberIds(members, 'set');
}
