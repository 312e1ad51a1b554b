import { performance } from 'node:perf_hooks';
import type { RemovedMember, SnapshotMember } from '../connector/snapshot-member.js';
import type { Change } from '../model/plan.js';
import type { Workspace } from '../model/workspace.js';
import type { Store } from '../store/store.js';
import { driftedStatements, hasPulled, pulledIds, pulledStates, unsyncedMembers, type PulledState, type PulledStatement } from '../store/pulled-member-repository.js';
import { currentGroupsOf, managedMemberKeys, membersByIds, membersMatching } from '../store/member-and-group-reads.js';
import type { CycleRead } from './cycle-read.js';
import { isDeprovision, withoutDeprovisions } from './diff.js';
import type { Differ, StoreSlice } from './differ.js';
import type { PlanWriter } from './plan-writer.js';
import { readAhead } from './read-ahead.js';
import { statementOf, type Statement } from './user-record.js';

// The planning half of a pull cycle: IdP pages, then (incremental) out-of-line users, then (complete full read) the
// sweep, then users waiting on deprovisions. Each page is written while the next is read.

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
  /** Why the next cycle must read everything, when the store showed something only a full read settles. */
  fullDue: string | null;
  driftCheck: { members: number; seconds: number } | null;
}

const PAGE = 1000;

export async function planFromRead(context: PlanContext, read: CycleRead): Promise<PlannedRead> {
  const { differ, writer } = context;
  const heldBack: Change[] = [];
  let membersRead = 0;
  // Before the binding's first cycle there are no records: each IdP user is compared whole.
  const recorded = await hasPulled(context.store.db, context.workspace.id, context.binding);
  type Loaded = { entries: readonly (SnapshotMember | RemovedMember)[]; statements: Statement[]; slice: Promise<StoreSlice> };
  const load = (entries: readonly (SnapshotMember | RemovedMember)[]): Loaded => {
    const statements = entries.map(statementOf);
    const slice = storeSlice(context, entries, statements, recorded);
    // Awaited in its turn; until then its failure must not be unhandled.
    slice.catch(() => undefined);
    return { entries, statements, slice };
  };
  // Deprovisions wait until the read is known complete: a missing page is not a missing person.
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
    // A page's rows do not depend on the previous page, so load them while it is compared.
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

/** Incremental cycles also replan the binding's out-of-line users. A member without a record needs a full read: returns why. */
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
