import type { RemovedMember, SnapshotMember } from '../connector/snapshot-member.js';
import type { Change } from '../model/plan.js';
import type { Workspace } from '../model/workspace.js';
import type { Store } from '../store/create-db.js';
import { pulledIds, pulledStates, driftedStatements, unsyncedMembers, type PulledStatement } from '../store/pulled-member-repository.js';
import { currentGroupsOf, managedMemberKeys, membersByIds, membersMatching } from '../store/reconcile-reads.js';
import type { CycleRead } from './cycle-read.js';
import { isDeprovision, withoutDeprovisions } from './diff.js';
import type { Differ } from './differ.js';
import type { PlanWriter } from './plan-writer.js';
import { readAhead } from './read-ahead.js';

// The planning half of a pull cycle: the IdP's users page by page, then (an incremental read) every user of the
// binding whose record says the store does not match it or whose member another source wrote since, then (a
// complete full read) the sweep of what the IdP no longer lists, and last what waited for the plan's deprovisions.
// Each page's changes and records go to the plan writer while the next page is read.

export interface PlanContext {
  store: Store;
  workspace: Workspace;
  binding: string;
  differ: Differ;
  writer: PlanWriter;
  signal?: AbortSignal;
  onProgress?: (phase: 'read' | 'compare', membersRead: number) => void;
}

export interface PlannedRead {
  complete: boolean;
  problems: readonly string[];
  membersRead: number;
  /** Set when the store showed something only a full read can settle: why the next cycle must read everything. */
  fullDue: string | null;
}

/** Members read from the IdP per store round trip. */
const PAGE = 1000;

export async function planFromRead(context: PlanContext, read: CycleRead): Promise<PlannedRead> {
  const { differ, writer } = context;
  const heldBack: Change[] = [];
  let membersRead = 0;
  // Deprovisions wait until the read is known to be complete: a missing page is not a missing person.
  const plan = async (entries: readonly (SnapshotMember | RemovedMember)[]) => {
    const page = differ.page(entries, await storeSlice(context, entries));
    heldBack.push(...page.changes.filter(isDeprovision));
    await writer.write(withoutDeprovisions(page.changes));
    await writer.record(page);
  };
  for await (const entries of readAhead(read.entries, PAGE, context.signal)) {
    membersRead += entries.length;
    context.onProgress?.('read', membersRead);
    await plan(entries);
    context.onProgress?.('compare', membersRead);
    context.signal?.throwIfAborted();
  }
  const complete = read.complete();
  const fullDue = read.mode === 'incremental' ? await planOutOfLine(context, plan) : null;
  if (complete) await writer.write(heldBack);
  if (complete && read.mode === 'full') await sweep(context);
  const last = differ.finish(complete);
  await writer.write(complete ? last.changes : withoutDeprovisions(last.changes));
  await writer.record(last);
  await writer.flush();
  return { complete, problems: read.problems(), membersRead, fullDue };
}

/** The store rows a page of IdP users needs: the members they match, those members' groups, and the users' records. */
async function storeSlice({ store, workspace, binding }: PlanContext, entries: readonly (SnapshotMember | RemovedMember)[]) {
  const members = await membersMatching(
    store.db,
    workspace.id,
    entries.map((e) => e.externalId),
    entries.flatMap((e) => ('removed' in e ? [] : [e.userName])),
  );
  const groupsOf = await currentGroupsOf(store.db, workspace.id, members.map((m) => m.id));
  const pulled = await pulledStates(store.db, workspace.id, binding, entries.map((e) => e.externalId));
  return { members, groupsOf, pulled };
}

/**
 * An incremental cycle also plans, from their records, the binding's users the read did not mention but the store
 * does not match: whose last change was refused, set aside or not applied, and whose member another source wrote
 * since. A member of the binding with no record at all is only settled by a full read: its reason is returned.
 */
async function planOutOfLine(context: PlanContext, plan: (entries: (SnapshotMember | RemovedMember)[]) => Promise<void>): Promise<string | null> {
  const { store, workspace, binding, differ } = context;
  const fresh = (statement: PulledStatement) => !differ.has(statement.externalId);
  const parse = (statements: PulledStatement[]) => statements.filter(fresh).map((s) => JSON.parse(s.snapshot) as SnapshotMember | RemovedMember);
  for await (const statements of driftedStatements(store.db, workspace.id, binding)) {
    await plan(parse(statements));
    context.signal?.throwIfAborted();
  }
  let unrecorded: string | null = null;
  for await (const rows of unsyncedMembers(store.db, workspace.id, binding)) {
    const statements: PulledStatement[] = [];
    for (const row of rows) {
      if (row.statement) statements.push(row.statement);
      else unrecorded ??= `member ${row.memberId} (externalId ${row.externalId ?? 'none'}) was written by another source and its binding has no record of the IdP user`;
    }
    await plan(parse(statements));
    context.signal?.throwIfAborted();
  }
  return unrecorded;
}

/**
 * After a complete full read: the binding's members the IdP no longer lists are deprovisioned, the records of users it
 * no longer lists and who have no member left are forgotten, and the binding's groups no assignment mentions go.
 */
async function sweep({ store, workspace, binding, differ, writer }: PlanContext): Promise<void> {
  for await (const keys of managedMemberKeys(store.db, workspace.id, binding)) {
    const gone = differ.unseen(keys);
    if (gone.length === 0) continue;
    const members = await membersByIds(store.db, workspace.id, gone);
    const pulled = await pulledStates(store.db, workspace.id, binding, members.flatMap((m) => (m.externalId === null ? [] : [m.externalId])));
    const page = differ.sweep(members, pulled);
    await writer.write(page.changes);
    await writer.record(page);
  }
  for await (const ids of pulledIds(store.db, workspace.id, binding)) {
    const forget = differ.unlisted(ids).filter((id) => !differ.has(id));
    if (forget.length) await writer.record({ records: [], forget, confirms: [] });
  }
  await writer.write(differ.sweepGroups());
}
