import { getValue, isJsonObject } from './json-object.js';
import { shownPath } from '../model/value-excerpt.js';
import type { FilterNode } from './filter/filter-ast.js';
import type { FilterBudgets } from './filter/filter-budgets.js';
import { parsePatchPath } from './filter/parse-path.js';
import type { PatchOp } from './patch/patch-op.js';
import { overBudget, type ScimBudgets } from './scim-budgets.js';
import { invalidFilter, invalidPath, invalidValue } from './scim-error.js';

// Group `members` operations as set arithmetic on ids, so a huge member PATCH is one read and bulk writes, never a
// round trip per member. Other operations go to the generic PATCH engine.

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
      // A pathless value may carry members next to displayName.
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

/** Ids are opaque, so only or-joined `value eq "id"` is allowed; anything else would test every member of a huge group. */
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

export interface MemberOp {
  kind: 'add' | 'remove' | 'replace' | 'clear';
  ids: string[];
}

/** Every operation is checked before any is applied, so a malformed one fails before anything is read. */
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

export function applyMemberOps(current: ReadonlySet<string>, ops: readonly PatchOp[]): Set<string> {
  return applyMemberChanges(current, compileMemberOps(ops));
}

/** Removing an absent member is a no-op: IdPs retry. */
export function applyMemberChanges(current: ReadonlySet<string>, ops: readonly MemberOp[]): Set<string> {
  const next = new Set(current);
  for (const { kind, ids } of ops) {
    if (kind === 'clear' || kind === 'replace') next.clear();
    if (kind === 'remove') for (const id of ids) next.delete(id);
    else for (const id of ids) next.add(id);
  }
  return next;
}

/** Null when a change replaces or clears the set. */
export function namedMembers(changes: readonly MemberOp[]): Set<string> | null {
  const named = new Set<string>();
  for (const { kind, ids } of changes) {
    if (kind === 'replace' || kind === 'clear') return null;
    for (const id of ids) named.add(id);
  }
  return named;
}

export function membersChanged(current: ReadonlySet<string>, next: ReadonlySet<string>): number {
  let count = 0;
  for (const id of next) if (!current.has(id)) count++;
  for (const id of current) if (!next.has(id)) count++;
  return count;
}

const valuesIn = (value: unknown) => (value === undefined || value === null ? 0 : Array.isArray(value) ? value.length : 1);

/** Counted as sent, since normalising is work too; malformed parts count as nothing and are refused later. */
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

export function memberValuesOfBody(body: unknown): number {
  return isJsonObject(body) ? valuesIn(getValue(body, 'members')) : 0;
}

/** `count` is what the request names or changes (a replace or remove-all changes every member). */
export function checkGroupMembers(count: number, budgets: Readonly<Pick<ScimBudgets, 'groupMembers'>>, what: string): void {
  if (count <= budgets.groupMembers) return;
  throw overBudget('groupMembers', budgets.groupMembers, `${what} (${count.toLocaleString('en-US')})`, 'send the members in several requests of at most that many');
}

export function memberIdsOfBody(members: unknown): string[] {
  if (members === undefined || members === null) return [];
  if (!Array.isArray(members)) throw invalidValue('members must be an array of {"value": "<user id>"}');
  return memberIds(members, 'set');
}
