import type { RemovedMember, SnapshotMember } from '../connector/snapshot-member.js';
import type { Group } from '../model/group.js';
import { emptyMemberFields, memberFieldsOf, type Member } from '../model/member.js';
import type { Change } from '../model/plan.js';
import type { Workspace } from '../model/workspace.js';
import type { PulledState, PulledWrite } from '../store/pulled-member-repository.js';
import { desiredMemberFields } from './desired-member.js';
import { GroupPlanner } from './group-planner.js';
import { memberChange, memberRemoval } from './member-change.js';
import { evaluatePolicyCarrying, ownerRefusal } from './policy.js';
import { conflict, skip } from './skip-change.js';
import { statementOf, userRecord, type Statement } from './user-record.js';

// The pull diff, page by page: `page()`, then after a complete full read `sweep()`/`sweepGroups()`, then `finish()`
// for users waiting on the plan's deprovisions. Pure: equal inputs give equal changes.

export interface DiffOptions {
  workspace: Workspace;
  binding: string;
  /** Before the plan; carried through it for V1 seat capacity. */
  seatsInUse: Partial<Record<string, number>>;
  groups: readonly Group[];
  newId: () => string;
  /** Beyond this, a blocked user is refused now and retried next cycle. */
  maxDeferred?: number;
  /** False after a settings change: records made under other settings cannot mark users settled. */
  trustRecords?: boolean;
}

export interface StoreSlice {
  /** Matching the page by externalId or case-insensitive userName. */
  members: readonly Member[];
  groupsOf: ReadonlyMap<string, ReadonlySet<string>>;
  pulled?: ReadonlyMap<string, PulledState>;
}

export interface DiffPage {
  changes: Change[];
  records: PulledWrite[];
  /** IdP users gone without a member: their records go. */
  forget: string[];
  confirms: { id: string; version: number }[];
}

export type ManagedMember = Member;

/** Waits for the plan's deprovisions to free a seat or userName. */
interface Deferred {
  entry: SnapshotMember;
  statement: Statement;
  prior: PulledState | undefined;
  current: Member | null;
  sameName: Member | undefined;
  groupsOf: ReadonlyMap<string, ReadonlySet<string>>;
}

const lower = (s: string) => s.toLowerCase();
const DEFAULT_MAX_DEFERRED = 10_000;

export const emptyPage = (): DiffPage => ({ changes: [], records: [], forget: [], confirms: [] });

export class Differ {
  private readonly seen = new Set<string>();
  private readonly handled = new Set<string>();
  private readonly groups: GroupPlanner;
  private readonly plannedUserNames = new Map<string, string>();
  private seats: Partial<Record<string, number>>;
  /** Counted only in `finish`, once the deprovisions are known to apply. */
  private readonly freed: Partial<Record<string, number>> = {};
  private readonly removedIds = new Set<string>();
  private readonly deferred: Deferred[] = [];
  private finishing = false;
  deletions = 0;
  compared = 0;

  constructor(private readonly options: DiffOptions) {
    this.seats = { ...options.seatsInUse };
    this.groups = new GroupPlanner(options.workspace, options.binding, options.groups, options.newId);
  }

  /** Unchanged since the last cycle left it (same statement, no drift, member unwritten), so only groups need checking. */
  settled(entry: SnapshotMember | RemovedMember, statement: Statement, prior: PulledState | undefined): boolean {
    if (!this.options.trustRecords || 'removed' in entry || !prior || prior.hash !== statement.hash || prior.drift !== null) return false;
    const member = prior.member;
    return member !== undefined && member.managedBy === this.options.binding && member.version === member.syncedVersion && member.version === prior.settledVersion;
  }

  page(entries: readonly (SnapshotMember | RemovedMember)[], slice: StoreSlice, statements: readonly Statement[] = entries.map(statementOf)): DiffPage {
    const byExternalId = new Map<string, Member>();
    const byUserName = new Map<string, Member>();
    for (const member of slice.members) {
      if (member.externalId !== null) byExternalId.set(member.externalId, member);
      byUserName.set(lower(member.userName), member);
    }
    const out = emptyPage();
    entries.forEach((entry, i) => {
      this.compared++;
      const prior = slice.pulled?.get(entry.externalId);
      const statement = statements[i]!;
      if ('removed' in entry) {
        this.gone(entry, byExternalId.get(entry.externalId) ?? null, prior, out);
        return;
      }
      if (this.seen.has(entry.externalId)) {
        out.changes.push(skip(entry.userName, entry.externalId, `the IdP listed externalId ${entry.externalId} twice in one read; only the first is used`));
        return;
      }
      this.seen.add(entry.externalId);
      if (this.settled(entry, statement, prior)) this.unchanged(entry, statement, prior!, slice.groupsOf, out);
      else this.member(entry, statement, prior, byExternalId.get(entry.externalId) ?? null, byUserName.get(lower(entry.userName)), slice.groupsOf, out);
    });
    return out;
  }

  has(externalId: string): boolean {
    return this.seen.has(externalId) || this.handled.has(externalId);
  }

  unseen(keys: Iterable<{ id: string; externalId: string | null }>): string[] {
    const ids: string[] = [];
    for (const key of keys) if (key.externalId === null || !this.seen.has(key.externalId)) ids.push(key.id);
    return ids;
  }

  /** Gone, after a complete full read. */
  unlisted(externalIds: Iterable<string>): string[] {
    const ids: string[] = [];
    for (const id of externalIds) if (!this.seen.has(id)) ids.push(id);
    return ids;
  }

  /** Only after a complete full read: a missing page is not a missing person. */
  sweep(managed: Iterable<Member>, pulled: ReadonlyMap<string, PulledState> = new Map()): DiffPage {
    const out = emptyPage();
    for (const member of managed) {
      if (member.externalId !== null && this.seen.has(member.externalId)) continue;
      const entry: RemovedMember = { externalId: member.externalId ?? member.id, removed: true, reason: 'unassigned' };
      if (member.externalId === null) {
        const change = this.deprovision(member, 'no longer assigned in the IdP');
        if (change) out.changes.push(change);
        continue;
      }
      this.gone(entry, member, pulled.get(member.externalId), out);
    }
    return out;
  }

  sweepGroups(): Change[] {
    return this.groups.sweep();
  }

  /** `deprovisioned`: the plan's deprovisions will apply, freeing their seats and userNames. */
  finish(deprovisioned: boolean): DiffPage {
    const out = emptyPage();
    this.finishing = true;
    if (deprovisioned) {
      for (const [seat, n] of Object.entries(this.freed)) this.seats[seat] = (this.seats[seat] ?? 0) - (n ?? 0);
    } else this.removedIds.clear();
    for (const d of this.deferred.splice(0)) {
      const sameName = d.sameName && this.removedIds.has(d.sameName.id) ? undefined : d.sameName;
      this.member(d.entry, d.statement, d.prior, d.current, sameName, d.groupsOf, out);
    }
    return out;
  }

  private unchanged(entry: SnapshotMember, statement: Statement, prior: PulledState, groupsOf: ReadonlyMap<string, ReadonlySet<string>>, out: DiffPage): void {
    const memberId = prior.member!.id;
    const claimant = this.plannedUserNames.get(lower(entry.userName));
    const changes: Change[] = [];
    if (claimant !== undefined && claimant !== entry.externalId) {
      changes.push(conflict(entry.userName, memberId, `userName "${entry.userName}" belongs to two IdP users (${claimant} and ${entry.externalId}); only the first gets it: make userNames unique in the IdP`));
    } else {
      this.plannedUserNames.set(lower(entry.userName), entry.externalId);
      changes.push(...this.groups.memberships(entry, memberId, groupsOf.get(memberId) ?? EMPTY));
    }
    for (const c of changes) c.idpUser = entry.externalId;
    out.changes.push(...changes);
    if (changes.some((c) => c.action === 'skip' && c.drift)) this.settle(entry.externalId, statement, prior, changes, null, false, out);
  }

  /** Deprovisions the binding's member, nobody else's. */
  private gone(entry: RemovedMember, current: Member | null, prior: PulledState | undefined, out: DiffPage): void {
    this.handled.add(entry.externalId);
    const statement = statementOf(entry);
    if (!current || current.managedBy !== this.options.binding) {
      if (prior) out.forget.push(entry.externalId);
      return;
    }
    const why = entry.reason === 'deleted' ? 'deleted in the IdP' : 'no longer assigned in the IdP';
    const change = this.deprovision(current, why);
    const changes = change ? [Object.assign(change, { idpUser: entry.externalId })] : [];
    out.changes.push(...changes);
    this.settle(entry.externalId, statement, prior, changes, current, false, out);
  }

  private member(
    entry: SnapshotMember,
    statement: Statement,
    prior: PulledState | undefined,
    found: Member | null,
    sameName: Member | undefined,
    groupsOf: ReadonlyMap<string, ReadonlySet<string>>,
    out: DiffPage,
  ): void {
    const { workspace, binding } = this.options;
    const changes: Change[] = [];
    let current = found;
    let reason: string | undefined;
    const done = (confirmable = false) => {
      for (const c of changes) c.idpUser = entry.externalId;
      out.changes.push(...changes);
      this.settle(entry.externalId, statement, prior, changes, current, confirmable, out);
    };
    const later = (): Deferred => ({ entry, statement, prior, current: found, sameName, groupsOf: groupsOfBoth(groupsOf, found, sameName) });
    if (current && sameName && sameName.id !== current.id) {
      changes.push(conflict(entry.userName, current.id, `userName "${entry.userName}" is already used by another member (externalId ${sameName.externalId ?? 'none'}); rename one of them in the IdP`));
      return done();
    }
    if (!current && sameName) {
      if (this.defer(later(), this.freeable(sameName))) return;
      if (!workspace.policy.adoptByUserName) {
        changes.push(conflict(entry.userName, sameName.id, `a member with userName "${sameName.userName}" exists but is not linked to this IdP user (externalId ${sameName.externalId ?? 'none'}); set adoptByUserName on the workspace to adopt existing members`));
        return done();
      }
      if (sameName.externalId !== null) {
        changes.push(conflict(entry.userName, sameName.id, `cannot adopt "${sameName.userName}": it is already linked to externalId ${sameName.externalId}, and the IdP user is ${entry.externalId}; two candidates, so nothing is guessed`));
        return done();
      }
      current = sameName;
      reason = `adopted by userName: externalId set to ${entry.externalId}`;
    }
    // A workspace that removes deactivated members has no place for one the IdP disabled.
    if (!current && !entry.active && workspace.policy.deprovision === 'remove') return done();

    // Push and pull of one IdP converge on one row: an unmanaged (pushed) member is linked to this binding so its pull can
    // deprovision it later. Other bindings' members and owners are left alone.
    const foreign = current !== null && current.managedBy !== null && current.managedBy !== binding ? current.managedBy : null;
    const linking = current !== null && current.managedBy === null && !current.owner;

    const claimant = this.plannedUserNames.get(lower(entry.userName));
    if (claimant !== undefined && claimant !== entry.externalId) {
      changes.push(conflict(entry.userName, current?.id ?? entry.externalId, `userName "${entry.userName}" belongs to two IdP users (${claimant} and ${entry.externalId}); only the first gets it: make userNames unique in the IdP`));
      return done();
    }
    this.plannedUserNames.set(lower(entry.userName), entry.externalId);
    const desired = desiredMemberFields(workspace, entry, current);
    let change: Change;
    // Object.assign into the fresh object: a spread would copy every member field once more per IdP user.
    if (current) {
      change = memberChange(workspace, current, Object.assign(memberFieldsOf(current), desired));
      change.version = current.version;
    } else {
      change = memberChange(workspace, null, Object.assign(emptyMemberFields(entry.userName), desired));
      change.targetId = this.options.newId();
    }
    if (foreign !== null) {
      if (change.action !== 'skip') {
        changes.push(conflict(entry.userName, current!.id, `member "${current!.userName}" is managed by connector ${foreign}, so connector ${binding} leaves it as it is: assign the IdP user through one binding only`));
      }
      return done();
    }
    if (linking && change.action !== 'remove') {
      if (change.action === 'skip') {
        change.action = 'update';
        change.before = {};
        change.after = {};
      }
      change.before!.managedBy = null;
      change.after!.managedBy = binding;
      reason ??= `linked to connector ${binding} (was written by ${current!.lastSource})`;
    }
    if (reason) change.reason = reason;
    if (change.action !== 'skip') change.managedBy = binding;

    const verdict = this.police(change, current);
    if (verdict === 'defer' && this.defer(later(), true)) return;
    const memberChanged = change.action !== 'skip';
    if (verdict !== null) changes.push(...(verdict === 'defer' ? this.refusedNow(change, current) : verdict));
    else if (memberChanged) changes.push(change);
    // A refused create leaves no member to put in groups; a removed member leaves its groups with it.
    const created = !current && changes.some((c) => c.action === 'create');
    if ((!current && !created) || change.action === 'remove') return done(!memberChanged);
    const memberId = current?.id ?? change.targetId;
    changes.push(...this.groups.memberships(entry, memberId, groupsOf.get(memberId) ?? EMPTY));
    return done(!memberChanged);
  }

  private settle(externalId: string, statement: Statement, prior: PulledState | undefined, changes: Change[], member: Member | null, confirmable: boolean, out: DiffPage): void {
    const { record, confirm } = userRecord({ externalId, statement, prior, changes, member, confirmable, binding: this.options.binding });
    if (record) out.records.push(record);
    if (confirm) out.confirms.push(confirm);
  }

  private defer(deferred: Deferred, freeable: boolean): boolean {
    if (this.finishing || !freeable || this.deferred.length >= (this.options.maxDeferred ?? DEFAULT_MAX_DEFERRED)) return false;
    this.deferred.push(deferred);
    return true;
  }

  private freeable(member: Member): boolean {
    return this.options.workspace.policy.deprovision === 'remove' && member.managedBy === this.options.binding && !member.owner;
  }

  /** null: may go; skips when refused; 'defer' when only a full seat type refuses, which deprovisions may free. */
  private police(change: Change, current: Member | null): Change[] | 'defer' | null {
    if (change.action === 'skip') return null;
    const { workspace } = this.options;
    if (change.owner && change.action !== 'create') {
      return [{ ...change, action: 'skip', reason: ownerRefusal(workspace, change).detail, drift: 'owner' }];
    }
    const facts = { seatsInUse: this.seats, current: new Map(current ? [[current.id, memberFieldsOf(current)]] : []) };
    const { verdicts, seatsInUse } = evaluatePolicyCarrying(workspace, [change], facts);
    const verdict = verdicts[0];
    if (!verdict) {
      if (change.action === 'deactivate' || change.action === 'remove') this.deprovisioned(current, change);
      else this.seats = seatsInUse;
      return null;
    }
    if (verdict.drift === 'no_seat' && !this.finishing) return 'defer';
    const refusal: Change = { ...change, action: 'skip', reason: `refused by the workspace policy: ${verdict.detail}`, drift: verdict.drift };
    // A user the IdP disabled is deactivated whatever else is refused: access goes first.
    if (change.action === 'deactivate' && current) {
      const deactivation: Change = { ...change, before: { active: true }, after: { active: false } };
      this.deprovisioned(current, deactivation);
      return [deactivation, refusal];
    }
    return [refusal];
  }

  private refusedNow(change: Change, current: Member | null): Change[] {
    const facts = { seatsInUse: this.seats, current: new Map(current ? [[current.id, memberFieldsOf(current)]] : []) };
    const verdict = evaluatePolicyCarrying(this.options.workspace, [change], facts).verdicts[0]!;
    return [{ ...change, action: 'skip', reason: `refused by the workspace policy: ${verdict.detail}`, drift: verdict.drift }];
  }

  /** Frees its seat (and, removed, its userName) for deferred users. */
  private deprovisioned(member: Member | null, change: Change): void {
    this.deletions++;
    if (!member) return;
    if (change.action === 'remove') this.removedIds.add(member.id);
    if (member.active && member.seatType !== null) this.freed[member.seatType] = (this.freed[member.seatType] ?? 0) + 1;
  }

  private deprovision(current: Member, why: string): Change | null {
    const { workspace } = this.options;
    let change: Change;
    if (workspace.policy.deprovision === 'remove') change = memberRemoval(current, why);
    else {
      if (!current.active) return null;
      change = { action: 'deactivate', kind: 'member', key: current.userName, targetId: current.id, before: { active: true }, after: { active: false }, reason: why, ...(current.owner ? { owner: true } : {}) };
    }
    change.version = current.version;
    if (current.owner) return { ...change, action: 'skip', reason: `${why}, but ${ownerRefusal(workspace, change).detail}`, drift: 'owner' };
    this.deprovisioned(current, change);
    return change;
  }

}

const EMPTY: ReadonlySet<string> = new Set();

function groupsOfBoth(groupsOf: ReadonlyMap<string, ReadonlySet<string>>, ...members: (Member | null | undefined)[]): Map<string, ReadonlySet<string>> {
  const kept = new Map<string, ReadonlySet<string>>();
  for (const m of members) if (m) kept.set(m.id, groupsOf.get(m.id) ?? EMPTY);
  return kept;
}
