import { performance } from 'node:perf_hooks';
import type { RemovedMember, SnapshotMember } from '../connector/snapshot-member.js';
import type { Change } from '../model/plan.js';
import type { Workspace } from '../model/workspace.js';
import type { Store } from '../store/create-db.js';
import { driftedStatements, hasPulled, pulledIds, pulledStates, unsyncedMembers, type PulledState, type PulledStatement } from '../store/pulled-member-repository.js';
import { currentGroupsOf, managedMemberKeys, membersByIds, membersMatching } from '../store/member-and-group-reads.js';
import type { CycleRead } from './cycle-read.js';
import { isDeprovision, withoutDeprovisions } from './diff.js';
import type { Differ, StoreSlice } from './differ.js';
import type { PlanWriter } from './plan-writer.js';
import { readAhead } from './read-ahead.js';
import { statementOf, type Statement } from './user-record.js';

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
  /** An incremental cycle: the users it planned again from their records (out of line, or written elsewhere), and how long that took. */
  driftCheck: { members: number; seconds: number } | null;
}

/** Members read from the IdP per store round trip. */
const PAGE = 1000;

export async function planFromRead(context: PlanContext, read: CycleRead): Promise<PlannedRead> {
  const { differ, writer } = context;
  const heldBack: Change[] = [];
  let membersRead = 0;
  // Before the binding's first cycle there are no records to look up: each IdP user is then compared whole.
  const recorded = await hasPulled(context.store.db, context.workspace.id, context.binding);
  /** A page with its store rows being read: the next page's rows are read while the current one is compared. */
  type Loaded = { entries: readonly (SnapshotMember | RemovedMember)[]; statements: Statement[]; slice: Promise<StoreSlice> };
  const load = (entries: readonly (SnapshotMember | RemovedMember)[]): Loaded => {
    const statements = entries.map(statementOf);
    const slice = storeSlice(context, entries, statements, recorded);
    // Awaited when its page's turn comes; until then (or if the cycle stops first) its failure is not unhandled.
    slice.catch(() => undefined);
    return { entries, statements, slice };
  };
  // Deprovisions wait until the read is known to be complete: a missing page is not a missing person.
  const compare = async ({ entries, statements, slice }: Loaded) => {
    const page = differ.page(entries, await slice, statements);
    heldBack.push(...page.changes.filter(isDeprovision));
    await writer.write(withoutDeprovisions(page.changes));
    await writer.record(page);
    context.onProgress?.('compare', membersRead);
  };
  const plan = (entries: readonly (SnapshotMember | RemovedMember)[]) => compare(load(entries));
  let pending: Loaded | null = null;
  for await (const entries of readAhead(read.entries, PAGE, context.signal)) {
    membersRead += entries.length;
    context.onProgress?.('read', membersRead);
    // The rows a page needs do not depend on the page before it (its records and plan rows are its own users'),
    // so they are read while that page is compared: on PostgreSQL the round trips no longer add up page by page.
    const next = load(entries);
    if (pending) await compare(pending);
    pending = next;
    context.signal?.throwIfAborted();
  }
  if (pending) await compare(pending);
  const complete = read.complete();
  let fullDue: string | null = null;
  let driftCheck: PlannedRead['driftCheck'] = null;
  if (read.mode === 'incremental') {
    const started = performance.now();
    const compared = differ.compared;
    fullDue = await planOutOfLine(context, plan);
    driftCheck = { members: differ.compared - compared, seconds: (performance.now() - started) / 1000 };
  }
  if (complete) await writer.write(heldBack);
  if (complete && read.mode === 'full') await sweep(context);
  const last = differ.finish(complete);
  await writer.write(complete ? last.changes : withoutDeprovisions(last.changes));
  await writer.record(last);
  await writer.flush();
  return { complete, problems: read.problems(), membersRead, fullDue, driftCheck };
}

/**
 * The store rows a page of IdP users needs: the binding's records of them (when it has any), the members that the
 * users not settled since the last cycle match (by externalId or userName), and the current groups of all of those
 * members.
 */
async function storeSlice(
  { store, workspace, binding, differ }: PlanContext,
  entries: readonly (SnapshotMember | RemovedMember)[],
  statements: readonly Statement[],
  recorded: boolean,
): Promise<StoreSlice> {
  const pulled = recorded ? await pulledStates(store.db, workspace.id, binding, entries.map((e) => e.externalId)) : new Map<string, PulledState>();
  const open = entries.filter((entry, i) => !differ.settled(entry, statements[i]!, pulled.get(entry.externalId)));
  const members = await membersMatching(
    store.db,
    workspace.id,
    open.map((e) => e.externalId),
    open.flatMap((e) => ('removed' in e ? [] : [e.userName])),
  );
  const settledIds = entries.flatMap((entry, i) => {
    const prior = pulled.get(entry.externalId);
    return prior?.member && differ.settled(entry, statements[i]!, prior) ? [prior.member.id] : [];
  });
  const groupsOf = await currentGroupsOf(store.db, workspace.id, [...members.map((m) => m.id), ...settledIds]);
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
  for await (const records of driftedStatements(store.db, workspace.id, binding)) {
    await plan(parse(records));
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
