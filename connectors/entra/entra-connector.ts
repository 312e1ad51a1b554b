import type { ChangeSet, ConnectionCheck, Connector, ConnectorDeps, FoundUser, ReadOptions, Snapshot } from '../../src/connector/connector.js';
import { ConnectorError } from '../../src/connector/connector-error.js';
import { liveChangeSet, liveSnapshot } from '../../src/connector/live-snapshot.js';
import type { RemovedMember, SnapshotMember } from '../../src/connector/snapshot-member.js';
import { AssignmentIndex, type AssignmentReadOptions, assignmentsUrl, type GraphAssignment, groupMembersUrl, isUserObject, readAssignments } from './entra-assignments.js';
import { createGraphClient, GraphFailure, type GraphPage, GraphReader } from './entra-client.js';
import type { EntraConfig } from './entra-config.js';
import { createCredential } from './entra-credential.js';
import { decodeCursor, encodeCursor, grantsFingerprint } from './entra-cursor.js';
import { CONNECTOR_NAME, connectorErrorFor, type GraphOperation, OPERATIONS } from './entra-error.js';
import { type AppRoleCatalogue, appRoleCatalogue, type EntraGrant, type GraphAppRole, type GraphUserObject, mapEntraUser, userSelect } from './entra-mapper.js';
import { readProfiles, userFilterUrl, userLookupUrl, userNameProperty } from './entra-profiles.js';
import { RunState } from './run-state.js';

// A snapshot reads every assignment, then streams profiles; only the user → grants map is held for the whole run.
// The cursor pairs a `/users/delta` link with who was assigned, so fetchChanges sees both kinds of change.
interface ServicePrincipalInfo {
  id: string;
  appId: string;
  displayName: string;
  appRoles: GraphAppRole[];
}

type DeltaItem = GraphUserObject & { '@removed'?: { reason?: string } };

const SAMPLE_SIZE = 20;

/** Fingerprints computed while streaming, so writing the cursor needs no big map. */
function* fingerprints(index: AssignmentIndex, catalogue: AppRoleCatalogue): Generator<[string, string]> {
  for (const [id, grants] of index.grants) yield [id, grantsFingerprint(grants, catalogue)];
}

export class EntraConnector implements Connector {
  readonly kind = 'entra';
  private readonly reader: GraphReader;
  private readonly select: string[];
  private readonly assignmentOptions: AssignmentReadOptions;

  constructor(
    private readonly config: EntraConfig,
    private readonly deps: ConnectorDeps,
  ) {
    this.reader = new GraphReader(createGraphClient(config, createCredential(config)), config.maxRetries);
    this.select = userSelect(config.mapping);
    this.assignmentOptions = {
      servicePrincipalPath: config.servicePrincipalId
        ? `servicePrincipals/${encodeURIComponent(config.servicePrincipalId)}`
        : `servicePrincipals(appId='${config.appId!.replace(/'/g, "''")}')`,
      pageSize: config.pageSize,
      transitiveGroups: config.transitiveGroups,
      concurrency: config.maxConcurrency,
    };
  }

  async fetchSnapshot(options: ReadOptions = {}): Promise<Snapshot> {
    const reader = this.reader.withSignal(options.signal);
    // Bad credentials or permissions fail here, not halfway through.
    const { catalogue } = await this.servicePrincipal(reader);
    const run = new RunState();
    return liveSnapshot(this.snapshotMembers(reader, run, catalogue), run);
  }

  private async *snapshotMembers(reader: GraphReader, run: RunState, catalogue: AppRoleCatalogue): AsyncGenerator<SnapshotMember> {
    // Delta link first, so changes made during the snapshot replay next cycle.
    let deltaLink: string | null = null;
    try {
      deltaLink = (await reader.get<GraphPage<unknown>>(`/users/delta?$select=${this.select.join(',')}&$deltatoken=latest`))['@odata.deltaLink'] ?? null;
    } catch (err) {
      this.fail(run, err, OPERATIONS.userDelta, false);
      deltaLink = null;
    }
    const index = new AssignmentIndex();
    try {
      await readAssignments(reader, this.assignmentOptions, index);
    } catch (err) {
      // Without every assignment roles may be partial: yield nobody.
      return this.fail(run, err, OPERATIONS.assignments);
    }
    try {
      yield* this.members(reader, run, index, index.grants.keys(), catalogue);
    } catch (err) {
      return this.fail(run, err, OPERATIONS.users);
    }
    run.finish(deltaLink === null ? null : this.cursorFor(deltaLink, index, catalogue));
    this.deps.log.info({ ...index.counts, members: index.grants.size, complete: run.complete }, 'entra snapshot read');
  }

  async fetchChanges(cursor: string, options: ReadOptions = {}): Promise<ChangeSet> {
    const reader = this.reader.withSignal(options.signal);
    const saved = decodeCursor(cursor);
    const run = new RunState();
    if (!saved || saved.select !== this.select.join(',')) {
      run.resync(saved ? "the mapping now reads other user properties than the cursor's delta link tracks; a full snapshot is needed" : 'the cursor is not an Entra delta cursor; a full snapshot is needed');
      return liveChangeSet((async function* () {})(), run);
    }
    const { catalogue } = await this.servicePrincipal(reader);
    // Until the round completes the next cycle restarts here; replays are harmless.
    run.cursor = cursor;
    return liveChangeSet(this.changes(reader, run, saved, catalogue), run);
  }

  private async *changes(
    reader: GraphReader,
    run: RunState,
    saved: NonNullable<ReturnType<typeof decodeCursor>>,
    catalogue: AppRoleCatalogue,
  ): AsyncGenerator<SnapshotMember | RemovedMember> {
    const index = new AssignmentIndex();
    try {
      await readAssignments(reader, this.assignmentOptions, index);
    } catch (err) {
      return this.fail(run, err, OPERATIONS.assignments);
    }
    const handled = new Set<string>();
    let url: string | undefined = saved.deltaLink;
    let deltaLink: string | null = null;
    try {
      while (url !== undefined) {
        const page: GraphPage<DeltaItem> = await reader.get<GraphPage<DeltaItem>>(url);
        for (const item of page.value ?? []) {
          const change = this.deltaChange(item, index, saved.assigned, catalogue, run);
          if (change === null) continue;
          handled.add(item.id);
          yield change;
        }
        url = page['@odata.nextLink'];
        deltaLink = page['@odata.deltaLink'] ?? deltaLink;
      }
    } catch (err) {
      // An abort ends the read as it is.
      if (!(err instanceof GraphFailure)) throw err;
      if (err.resyncRequired) return run.resync(`Graph no longer knows the delta token (${err.code}); a full snapshot is needed`);
      return this.fail(run, err, OPERATIONS.userDelta);
    }
    // The delta cannot show assignment changes: new assignees and role changes need a profile read…
    const changed: string[] = [];
    for (const [id, fp] of fingerprints(index, catalogue)) if (!handled.has(id) && saved.assigned.get(id) !== fp) changed.push(id);
    try {
      yield* this.members(reader, run, index, changed, catalogue);
    } catch (err) {
      return this.fail(run, err, OPERATIONS.users);
    }
    // …and whoever is no longer assigned has lost access.
    for (const id of saved.assigned.keys()) {
      if (!index.grants.has(id) && !handled.has(id)) yield { externalId: id, removed: true, reason: 'unassigned' };
    }
    if (deltaLink === null) return run.incomplete('Graph ended the delta round without a deltaLink; the next cycle replays it');
    run.finish(this.cursorFor(deltaLink, index, catalogue));
  }

  /** Null when it concerns nobody assigned. */
  private deltaChange(item: DeltaItem, index: AssignmentIndex, before: ReadonlyMap<string, string>, catalogue: AppRoleCatalogue, run: RunState): SnapshotMember | RemovedMember | null {
    const grants = index.grants.get(item.id);
    const known = grants !== undefined || before.has(item.id);
    if (item['@removed']) {
      // "changed" is a soft delete, restorable for 30 days.
      return known ? { externalId: item.id, removed: true, reason: item['@removed'].reason === 'deleted' ? 'deleted' : 'changed' } : null;
    }
    if (grants) return this.map(item, grants, catalogue, run);
    return before.has(item.id) ? { externalId: item.id, removed: true, reason: 'unassigned' } : null;
  }

  async fetchOne(externalId: string, options: ReadOptions = {}): Promise<SnapshotMember | null> {
    const reader = this.reader.withSignal(options.signal);
    const access = await this.accessOf(reader, externalId);
    if (!access) return null;
    const user = await this.call(OPERATIONS.users, () => reader.get<GraphPage<GraphUserObject>>(userFilterUrl([externalId], this.select)));
    const found = user.value?.find((u) => u.id === externalId);
    return found ? this.map(found, access.grants, access.catalogue, new RunState()) : null;
  }

  /** Case-insensitive, as Graph compares. */
  async findUser(userName: string, options: ReadOptions = {}): Promise<FoundUser | null> {
    const reader = this.reader.withSignal(options.signal);
    const property = userNameProperty(this.config.mapping);
    const page = await this.call(OPERATIONS.findUser, () => reader.get<GraphPage<GraphUserObject>>(userLookupUrl(property, userName, this.select)));
    const users = page.value ?? [];
    if (users.length === 0) return null;
    if (users.length > 1) {
      const ids = users.map((u) => u.id).join(', ');
      throw new ConnectorError(CONNECTOR_NAME, 'config', `Graph has ${users.length} users whose ${property} is "${userName}" (${ids}); map userName from a property that is unique per user, such as userPrincipalName`);
    }
    const user = users[0]!;
    const access = await this.accessOf(reader, user.id);
    return { externalId: user.id, member: access ? this.map(user, access.grants, access.catalogue, new RunState()) : null };
  }

  /** Null when nothing grants `userId` access. */
  private async accessOf(reader: GraphReader, userId: string): Promise<{ grants: readonly EntraGrant[]; catalogue: AppRoleCatalogue } | null> {
    const { catalogue } = await this.servicePrincipal(reader);
    const index = new AssignmentIndex();
    try {
      // No permission we hold lists one user's assignments, so check the app's list.
      await readAssignments(reader, this.assignmentOptions, index);
    } catch (err) {
      throw this.error(err, OPERATIONS.assignments);
    }
    const grants = index.grants.get(userId);
    return grants ? { grants, catalogue } : null;
  }

  async testConnection(): Promise<ConnectionCheck> {
    const { sp, catalogue } = await this.servicePrincipal(this.reader);
    const page = await this.call(OPERATIONS.assignments, () => this.reader.get<GraphPage<GraphAssignment>>(assignmentsUrl(this.assignmentOptions)));
    const index = new AssignmentIndex();
    for (const a of page.value ?? []) index.add(a);
    // The sample: direct assignees, topped up from the first assigned group.
    const sampleIds = [...index.grants.keys()].slice(0, SAMPLE_SIZE);
    const firstGroup = [...index.groups.keys()][0];
    if (sampleIds.length < SAMPLE_SIZE && firstGroup !== undefined) {
      const members = await this.call(OPERATIONS.groupMembers, () => this.reader.get<GraphPage<{ '@odata.type'?: string; id: string }>>(groupMembersUrl(firstGroup, this.assignmentOptions)));
      for (const m of members.value ?? []) if (isUserObject(m)) index.addGroupMember(firstGroup, m.id);
    }
    const run = new RunState();
    const sample: SnapshotMember[] = [];
    const ids = [...index.grants.keys()].slice(0, SAMPLE_SIZE);
    try {
      for await (const member of this.members(this.reader, run, index, ids, catalogue)) sample.push(member);
    } catch (err) {
      throw this.error(err, OPERATIONS.users);
    }
    const c = index.counts;
    const summary =
      `Entra ID tenant ${this.config.tenantId}: app "${sp.displayName}" (appId ${sp.appId}), ${sp.appRoles.length} app roles, ` +
      `first page: ${c.assignments} assignments (${c.users} users, ${c.groups} groups, ${c.servicePrincipals} service principals ignored)` +
      (page['@odata.nextLink'] ? ', more pages follow' : '');
    return { summary, sample };
  }

  /** An abort ends it between batches. */
  private async *members(reader: GraphReader, run: RunState, index: AssignmentIndex, ids: Iterable<string>, catalogue: AppRoleCatalogue): AsyncGenerator<SnapshotMember> {
    for await (const batch of readProfiles(reader, ids, this.select, this.config.maxConcurrency)) {
      reader.signal?.throwIfAborted();
      for (const user of batch.users) {
        const grants = index.grants.get(user.id);
        if (grants) yield this.map(user, grants, catalogue, run);
      }
      // Deleted since the assignment list was read: not a member any more.
      for (const id of batch.missing) run.note(`user ${id} is assigned but Graph did not return the user (deleted?); left out`);
    }
  }

  private map(user: GraphUserObject, grants: readonly EntraGrant[], catalogue: AppRoleCatalogue, run: RunState): SnapshotMember {
    const { member, problems } = mapEntraUser(user, grants, catalogue, this.config.mapping);
    for (const p of problems) run.note(p);
    return member;
  }

  private cursorFor(deltaLink: string, index: AssignmentIndex, catalogue: AppRoleCatalogue): string {
    return encodeCursor({ deltaLink, select: this.select.join(','), assigned: fingerprints(index, catalogue) });
  }

  private async servicePrincipal(reader: GraphReader): Promise<{ sp: ServicePrincipalInfo; catalogue: AppRoleCatalogue }> {
    const path = `/${this.assignmentOptions.servicePrincipalPath}?$select=id,appId,displayName,appRoles`;
    const sp = await this.call(OPERATIONS.servicePrincipal, () => reader.get<ServicePrincipalInfo>(path));
    return { sp, catalogue: appRoleCatalogue(sp.appRoles ?? []) };
  }

  private async call<T>(op: GraphOperation, fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (err) {
      throw this.error(err, op);
    }
  }

  private error(err: unknown, op: GraphOperation): Error {
    if (!(err instanceof GraphFailure)) return err as Error;
    return connectorErrorFor(err, this.config, err.operation ? OPERATIONS[err.operation as keyof typeof OPERATIONS] : op);
  }

  /** Failures no retry fixes throw; others mark the result incomplete, so unseen members are never treated as gone. */
  private fail(run: RunState, err: unknown, op: GraphOperation, stops = true): void {
    const error = this.error(err, op);
    if (!(err instanceof GraphFailure) || err.fatal) throw error;
    this.deps.log.warn({ status: err.status, code: err.code }, error.message);
    if (stops) run.incomplete(error.message);
    else run.note(`${error.message}; no delta cursor this cycle`);
  }
}
