import { getCi, isObject } from './ci-object.js';
import type { FilterNode } from './filter/filter-ast.js';
import { matchesFilter } from './filter/evaluate-filter.js';
import { parsePatchPath } from './filter/parse-path.js';
import type { PatchOp } from './patch/patch-op.js';
import { invalidPath, invalidValue } from './scim-error.js';

/**
 * Group `members` operations as set arithmetic on member ids, so a PATCH that adds or removes 10,000 members
 * is one read of the current set, one existence check in chunks, and bulk writes: never a round trip per member.
 * Every other operation goes to the generic PATCH engine.
 */
export interface SplitOps {
  memberOps: PatchOp[];
  otherOps: PatchOp[];
}

const isMembersPath = (path: string | undefined) => path !== undefined && /^\s*members\b/i.test(path.replace(/^urn:ietf:params:scim:schemas:core:2\.0:Group:/i, ''));

export function splitMemberOps(ops: readonly PatchOp[]): SplitOps {
  const memberOps: PatchOp[] = [];
  const otherOps: PatchOp[] = [];
  for (const op of ops) {
    if (isMembersPath(op.path)) {
      memberOps.push(op);
    } else if (op.path === undefined && isObject(op.value) && getCi(op.value, 'members') !== undefined) {
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
    const id = isObject(item) ? getCi(item, 'value') : item;
    if (typeof id !== 'string' || id === '') throw invalidValue(`${op} members: value[${i}] must be an object with the member's id in "value"`);
    return id;
  });
}

/** `value eq "id"` (the shape both IdPs send) is answered without evaluating a filter per member. */
function directId(filter: FilterNode): string | null {
  return filter.op === 'eq' && filter.path.attribute.toLowerCase() === 'value' && !filter.path.subAttribute && typeof filter.value === 'string'
    ? filter.value
    : null;
}

/** The member set after the operations, applied in order as RFC 7644 §3.5.2 requires. */
export function applyMemberOps(current: ReadonlySet<string>, ops: readonly PatchOp[]): Set<string> {
  const next = new Set(current);
  for (const op of ops) {
    const path = parsePatchPath(op.path ?? 'members');
    if (path.subAttribute) throw invalidPath(`${op.path}: members can be added, removed or replaced, not edited in place`);
    if (path.filter) {
      if (op.op !== 'remove') throw invalidPath(`${op.path}: a filtered members path can only be removed; to change members, add or replace them`);
      const id = directId(path.filter);
      if (id !== null) next.delete(id);
      else for (const member of [...next]) if (matchesFilter(path.filter, { value: member }, { caseExact: () => true })) next.delete(member);
      continue;
    }
    const ids = memberIds(op.value, op.op);
    if (op.op === 'add') for (const id of ids) next.add(id);
    else if (op.op === 'replace') {
      next.clear();
      for (const id of ids) next.add(id);
    } else if (ids.length > 0) for (const id of ids) next.delete(id);
    else next.clear();
  }
  return next;
}

/** Members of a POST or PUT body. */
export function memberIdsOfBody(members: unknown): string[] {
  if (members === undefined || members === null) return [];
  if (!Array.isArray(members)) throw invalidValue('members must be an array of {"value": "<user id>"}');
  return memberIds(members, 'set');
}
