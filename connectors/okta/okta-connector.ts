import type { ChangeSet, ConnectionCheck, Connector, ConnectorDeps, FoundUser, ReadOptions, Snapshot } from '../../src/connector/connector.js';
import { ConnectorError } from '../../src/connector/connector-error.js';
import { liveChangeSet, liveSnapshot } from '../../src/connector/live-snapshot.js';
import type { RemovedMember, SnapshotMember } from '../../src/connector/snapshot-member.js';
import { createSdkClient, describeOktaError, isFatal, mapConcurrent, OktaReader, parseLogCursor } from './okta-client.js';
import type { OktaConfig } from './okta-config.js';
import { assignedGroups, groupRef, readGroupGrants } from './okta-group-assignments.js';
import { memberFromAppUser, memberFromGroupOnlyUser, type GroupAssignmentRef } from './okta-mapper.js';
import { classifyLogEvent, type LogFindings, logPosition, type Touch } from './okta-system-log.js';

type Outcome = { complete: boolean; problems: string[]; cursor: string | null };
type ChangeState = Outcome & { readonly from: string };

/** Rewinds after an incompletely handled event: replays are idempotent, skips are not. */
function replay(state: ChangeState): void {
  state.cursor = state.from;
}

// A snapshot reads group assignments and members (so grants name the group), then streams the app users. Changes
// come from the System Log, re-reading only the users its events name.
export class OktaConnector implements Connector {
  readonly kind = 'okta';
  private readonly okta: OktaReader;

  constructor(
    private readonly config: OktaConfig,
    private readonly deps: ConnectorDeps,
  ) {
    this.okta = new OktaReader(createSdkClient(config, deps.log), config.appId);
  }

  /** Once the signal has fired, throws the abort instead. */
  private fail(err: unknown, okta: OktaReader): ConnectorError {
    okta.signal?.throwIfAborted();
    return describeOktaError(err, this.config);
  }

  async fetchSnapshot(options: ReadOptions = {}): Promise<Snapshot> {
    const okta = this.okta.withSignal(options.signal);
    // A cheap read first, so bad credentials, scope or appId fail clearly here.
    await okta.getApp().catch((err: unknown) => Promise.reject(this.fail(err, okta)));
    const state: Outcome = { complete: true, problems: [], cursor: await this.logTail(okta) };
    return liveSnapshot(this.snapshotMembers(okta, state), state);
  }

  /** Taken first, so changes during the snapshot replay next cycle. */
  private async logTail(okta: OktaReader): Promise<string | null> {
    try {
      return await logPosition(okta, this.deps.clock().getTime(), this.config.maxLogPages);
    } catch (err) {
      const error = this.fail(err, okta);
      this.deps.log.warn({ err: error.message }, 'okta: cannot read the System Log; the next cycle needs a full snapshot');
      return null;
    }
  }

  private async groupGrants(okta: OktaReader, state: Outcome): Promise<{ byUser: Map<string, GroupAssignmentRef[]>; complete: boolean }> {
    const byUser = new Map<string, GroupAssignmentRef[]>();
    if (!this.config.groupAssignments) return { byUser, complete: true };
    try {
      await readGroupGrants(okta, byUser);
      return { byUser, complete: true };
    } catch (err) {
      const error = this.fail(err, okta);
      if (isFatal(error)) throw error;
      state.complete = false;
      state.problems.push(`group assignments of app ${this.config.appId} were not read completely (${error.message}); group-assigned members may lack their group's grant and role`);
      return { byUser, complete: false };
    }
  }

  private async *snapshotMembers(okta: OktaReader, state: Outcome): AsyncGenerator<SnapshotMember> {
    const { mapping } = this.config;
    const groups = await this.groupGrants(okta, state);
    let read = 0;
    try {
      for await (const page of okta.appUsers()) {
        for (const appUser of page.items) {
          if (!appUser.id) continue;
          const refs = groups.byUser.get(appUser.id) ?? [];
          // Group members Okta does not list as app users yet.
          groups.byUser.delete(appUser.id);
          read++;
          yield memberFromAppUser(appUser, refs, mapping);
        }
      }
    } catch (err) {
      const error = this.fail(err, okta);
      if (isFatal(error)) throw error;
      state.complete = false;
      state.problems.push(`app users of app ${this.config.appId}: paging stopped after ${read} members (${error.message}); the members not read are unknown, not gone`);
      return;
    }
    if (!groups.complete || groups.byUser.size === 0) return;
    for await (const { item: userId, result: user, error } of mapConcurrent(groups.byUser.keys(), this.config.maxConcurrency, (id) => okta.user(id))) {
      if (error !== undefined) {
        const e = this.fail(error, okta);
        if (isFatal(e)) throw e;
        state.complete = false;
        state.problems.push(`group member ${userId} could not be read (${e.message})`);
      } else if (user && user.status !== 'DEPROVISIONED') {
        yield memberFromGroupOnlyUser(user, groups.byUser.get(userId)!, mapping);
      }
    }
  }

  async fetchChanges(cursor: string, options: ReadOptions = {}): Promise<ChangeSet> {
    const okta = this.okta.withSignal(options.signal);
    const start = parseLogCursor(cursor, this.config.orgUrl);
    if (!start) return this.resync(`the cursor is neither a System Log next link on ${this.config.orgUrl} nor an ISO time`);
    const touched = new Map<string, Touch>();
    const touch = (id: string | undefined, how: Touch) => {
      if (id && touched.get(id) !== 'membership') touched.set(id, how);
    };
    const state: ChangeState = { complete: true, problems: [], cursor, from: cursor };
    try {
      const found: LogFindings = { touch, groupEvents: [], expandGroups: new Set() };
      const { groupEvents, expandGroups } = found;
      let pages = 0;
      for await (const page of okta.logPages(start)) {
        for (const event of page.items) classifyLogEvent(event, this.config.appId, found);
        // Only page boundaries become the cursor, so stopping never skips an event.
        state.cursor = page.next ?? state.cursor;
        if (++pages >= this.config.maxLogPages) break;
      }
      if (groupEvents.length > 0) {
        const assigned = await assignedGroups(okta);
        for (const e of groupEvents) if (assigned.has(e.groupId)) touch(e.userId, 'membership');
      }
      for (const groupId of expandGroups) {
        try {
          for await (const members of okta.groupMembers(groupId)) for (const user of members.items) touch(user.id, 'membership');
        } catch (err) {
          // A deleted group: its members' own user_membership events cover them.
          if ((err as { status?: number }).status !== 404) throw err;
        }
      }
      if (touched.size > this.config.maxRereads) {
        return this.resync(`${touched.size} users changed since the cursor, more than maxRereads (${this.config.maxRereads}); one full read is cheaper than re-reading each`);
      }
    } catch (err) {
      const error = this.fail(err, okta);
      if (isFatal(error)) throw error;
      // 400: `since` too far back, or a cursor Okta no longer accepts.
      if ((err as { status?: number }).status === 400) return this.resync(error.message);
      state.complete = false;
      // Group events may not be resolved yet: replay rather than skip them.
      replay(state);
      state.problems.push(`the System Log was not read to its end (${error.message}); the next cycle reads it again from the same cursor`);
    }
    return liveChangeSet(this.reread(okta, touched, state), state);
  }

  private resync(reason: string): ChangeSet {
    return { changes: (async function* () {})(), complete: false, problems: [`incremental read impossible: ${reason}; a full snapshot is needed`], cursor: null, resyncRequired: true };
  }

  /** Read once. */
  private groupsOf(okta: OktaReader): (userId: string) => Promise<GroupAssignmentRef[]> {
    let assigned: Promise<Map<string, GroupAssignmentRef>> | null = null;
    return async (userId) => {
      if (!this.config.groupAssignments) return [];
      assigned ??= assignedGroups(okta);
      const refs = await assigned;
      return refs.size === 0 ? [] : (await okta.userGroupIds(userId)).flatMap((id) => refs.get(id) ?? []);
    };
  }

  private async *reread(okta: OktaReader, touched: Map<string, Touch>, state: ChangeState): AsyncGenerator<SnapshotMember | RemovedMember> {
    const groupsOf = this.groupsOf(okta);
    const read = (userId: string) => this.readMember(okta, userId, touched.get(userId)!, groupsOf);
    for await (const { item: userId, result, error } of mapConcurrent(touched.keys(), this.config.maxConcurrency, read)) {
      if (error !== undefined) {
        const e = this.fail(error, okta);
        if (isFatal(e)) throw e;
        state.complete = false;
        replay(state);
        state.problems.push(`user ${userId} could not be re-read (${e.message}); the next cycle starts again from the same cursor`);
      } else if (result) {
        yield result;
      }
    }
  }

  private async readMember(okta: OktaReader, userId: string, how: Touch, groupsOf: (id: string) => Promise<GroupAssignmentRef[]>): Promise<SnapshotMember | RemovedMember | null> {
    const appUser = await okta.appUser(userId);
    if (appUser) return memberFromAppUser(appUser, await groupsOf(userId), this.config.mapping);
    const user = await okta.user(userId);
    if (!user || user.status === 'DEPROVISIONED') return { externalId: userId, removed: true, reason: 'deleted' };
    const groups = await groupsOf(userId);
    if (groups.length > 0) return memberFromGroupOnlyUser(user, groups, this.config.mapping);
    // Events about unassigned people say nothing about this app.
    return how === 'membership' ? { externalId: userId, removed: true, reason: 'unassigned' } : null;
  }

  async fetchOne(externalId: string, options: ReadOptions = {}): Promise<SnapshotMember | null> {
    const okta = this.okta.withSignal(options.signal);
    try {
      const result = await this.readMember(okta, externalId, 'lifecycle', this.groupsOf(okta));
      return result && !('removed' in result) ? result : null;
    } catch (err) {
      throw this.fail(err, okta);
    }
  }

  /** Always by login. A DEPROVISIONED user is found but not a member. */
  async findUser(userName: string, options: ReadOptions = {}): Promise<FoundUser | null> {
    const okta = this.okta.withSignal(options.signal);
    try {
      const user = await okta.userByLogin(userName);
      if (!user?.id) return null;
      if (user.status === 'DEPROVISIONED') return { externalId: user.id, member: null };
      const result = await this.readMember(okta, user.id, 'lifecycle', this.groupsOf(okta));
      return { externalId: user.id, member: result && !('removed' in result) ? result : null };
    } catch (err) {
      throw this.fail(err, okta);
    }
  }

  async testConnection(): Promise<ConnectionCheck> {
    try {
      const app = await this.okta.getApp();
      let groupCount = 0;
      let moreGroups = false;
      // First page only, so the sample names the granting group cheaply.
      const groupsOf = new Map<string, GroupAssignmentRef[]>();
      for await (const page of this.okta.groupAssignments()) {
        groupCount = page.items.length;
        moreGroups = page.next !== undefined;
        for (const assignment of page.items) {
          const ref = groupRef(assignment);
          if (!ref) continue;
          for await (const members of this.okta.groupMembers(ref.groupId)) {
            for (const user of members.items) if (user.id) groupsOf.set(user.id, [...(groupsOf.get(user.id) ?? []), ref]);
            break;
          }
        }
        break;
      }
      const sample: SnapshotMember[] = [];
      let moreUsers = false;
      for await (const page of this.okta.appUsers(50)) {
        for (const appUser of page.items) if (appUser.id) sample.push(memberFromAppUser(appUser, groupsOf.get(appUser.id) ?? [], this.config.mapping));
        moreUsers = page.next !== undefined;
        break;
      }
      const label = (app as { label?: string }).label ?? this.config.appId;
      const summary =
        `Okta org ${this.config.orgUrl}: app "${label}" (${this.config.appId}, ${app.status ?? 'unknown status'}), ` +
        `${groupCount}${moreGroups ? '+' : ''} group assignment${groupCount === 1 && !moreGroups ? '' : 's'}, first page: ${sample.length} app user${sample.length === 1 ? '' : 's'}${moreUsers ? ' (more pages follow)' : ''}`;
      return { summary, sample };
    } catch (err) {
      throw this.fail(err, this.okta);
    }
  }
}
