import type { FullSchedule } from '../config/full-schedule.js';
import { fullReadDue } from '../config/full-schedule.js';
import type { Connector, ConnectorLogger } from '../connector/connector.js';
import type { RemovedMember, SnapshotMember } from '../connector/snapshot-member.js';
import { RosterdError } from '../error/rosterd-error.js';
import type { Workspace } from '../model/workspace.js';
import { clearCursor, type ConnectorState } from '../store/connector-state-repository.js';
import type { Store } from '../store/store.js';
import { findMemberByExternalId, findMemberByUserName } from '../store/member-repository.js';

export interface CycleRead {
  entries: AsyncIterable<SnapshotMember | RemovedMember>;
  /** Known after iteration. */
  complete: () => boolean;
  problems: () => readonly string[];
  cursor: () => string | null;
  /** full: members it does not list are gone; incremental: changes since the cursor; user: one user. */
  mode: 'full' | 'incremental' | 'user';
  /** Why a full read was chosen, for the log. */
  why?: string;
}

export interface ReadContext {
  store: Store;
  connector: Connector;
  workspace: Workspace;
  binding: string;
  state: ConnectorState;
  fullSchedule: FullSchedule;
  log: ConnectorLogger;
  now: Date;
  signal?: AbortSignal;
}

/** One user, the changes since the cursor, or everything when asked or due. */
export async function openRead(context: ReadContext, request: { mode: 'auto' | 'full' | 'user'; user?: string }): Promise<CycleRead> {
  const { connector, state, signal } = context;
  const options = signal ? { signal } : {};
  if (request.mode === 'user') return readOneUser(context, request.user ?? '');
  if (request.mode === 'auto') {
    const due = fullReadDue(state, context.fullSchedule, context.now);
    if (due === null) {
      const changes = await connector.fetchChanges(state.cursor!, options);
      if (!changes.resyncRequired) {
        return { entries: changes.changes, complete: () => changes.complete, problems: () => changes.problems, cursor: () => changes.cursor, mode: 'incremental' };
      }
      context.log.info({ workspaceId: context.workspace.id, binding: context.binding }, 'the IdP no longer accepts the saved cursor; reading everything');
      await clearCursor(context.store.db, context.workspace.id, context.binding, context.now.toISOString());
    } else {
      context.log.info({ workspaceId: context.workspace.id, binding: context.binding, why: due }, 'reading everything');
    }
  }
  const snapshot = await connector.fetchSnapshot(options);
  return { entries: snapshot.members, complete: () => snapshot.complete, problems: () => snapshot.problems, cursor: () => snapshot.cursor, mode: 'full', why: request.mode === 'full' ? 'asked for' : 'due' };
}

/**
 * `--user`: by the member's externalId if the workspace knows the name, else the IdP's user of that userName, then of
 * that id. Unknown names are errors, as is an unassigned IdP user with no member.
 */
async function readOneUser(context: ReadContext, user: string): Promise<CycleRead> {
  const { store, connector, workspace, signal } = context;
  const options = signal ? { signal } : {};
  if (!user) throw new RosterdError('ROSTERD_E_USAGE', '--user needs a userName or an externalId (the IdP user id)');
  const member = (await findMemberByUserName(store.db, workspace.id, user)) ?? (await findMemberByExternalId(store.db, workspace.id, user));
  let entry: SnapshotMember | RemovedMember;
  if (member?.externalId) {
    entry = (await connector.fetchOne(member.externalId, options)) ?? { externalId: member.externalId, removed: true, reason: 'unassigned' };
  } else {
    const found = await connector.findUser(user, options);
    const byId = found ? null : await connector.fetchOne(user, options);
    if (found?.member) entry = found.member;
    else if (byId) entry = byId;
    else if (found) {
      throw new RosterdError(
        'ROSTERD_E_NOT_FOUND',
        `user "${user}" exists in the IdP (id ${found.externalId}) but is not assigned to the application, and workspace "${workspace.id}" has no member of it: assign the user (or one of its groups) to the application first`,
      );
    } else {
      throw new RosterdError('ROSTERD_E_NOT_FOUND', `no user "${user}" in the IdP (by userName or id) and no member "${user}" in workspace "${workspace.id}"; check the spelling, or see rosterd members ${workspace.id}`);
    }
  }
  const cursor = context.state.cursor;
  return { entries: once(entry), complete: () => true, problems: () => [], cursor: () => cursor, mode: 'user' };
}

async function* once<T>(value: T): AsyncGenerator<T> {
  yield value;
}
