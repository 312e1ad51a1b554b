import { sql, type Kysely } from 'kysely';
import type { Workspace } from '../model/workspace.js';
import { workspacePolicySchema } from '../model/workspace-policy.js';
import type { Database, WorkspaceRow } from './database.js';
import { preparedQuery } from './prepared-query.js';

type Db = Kysely<Database>;

/**
 * Every SCIM request reads its workspace; the policy JSON rarely changes, so its validated form is kept by
 * text. Entries are small and a gateway serves a bounded number of distinct policies.
 */
const parsedPolicies = new Map<string, Workspace['policy']>();

function parsePolicy(text: string): Workspace['policy'] {
  let policy = parsedPolicies.get(text);
  if (!policy) {
    policy = Object.freeze(workspacePolicySchema.parse(JSON.parse(text))) as Workspace['policy'];
    if (parsedPolicies.size > 10_000) parsedPolicies.clear();
    parsedPolicies.set(text, policy);
  }
  return policy;
}

export function rowToWorkspace(row: WorkspaceRow): Workspace {
  return {
    id: row.id,
    name: row.name,
    version: row.version,
    extensionUrn: row.extension_urn,
    policy: parsePolicy(row.policy),
    revision: Number(row.revision),
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

export async function findWorkspace(db: Db, id: string): Promise<Workspace | undefined> {
  const row = await db.selectFrom('workspace').selectAll().where('id', '=', id).executeTakeFirst();
  return row && rowToWorkspace(row);
}

export async function listWorkspaces(db: Db): Promise<Workspace[]> {
  const rows = await db.selectFrom('workspace').selectAll().orderBy('id').execute();
  return rows.map(rowToWorkspace);
}

export async function insertWorkspace(db: Db, workspace: Workspace): Promise<void> {
  await db
    .insertInto('workspace')
    .values({
      id: workspace.id,
      name: workspace.name,
      version: workspace.version,
      extension_urn: workspace.extensionUrn,
      policy: JSON.stringify(workspace.policy),
      revision: workspace.revision,
      created_at: workspace.createdAt,
      updated_at: workspace.updatedAt,
    })
    .execute();
}

/** Store a workspace's name and policy (its id, version and revision stay). */
export async function updateWorkspaceSettings(db: Db, workspace: Workspace): Promise<void> {
  await db
    .updateTable('workspace')
    .set({ name: workspace.name, policy: JSON.stringify(workspace.policy), updated_at: workspace.updatedAt })
    .where('id', '=', workspace.id)
    .execute();
}

/** Delete a workspace and everything it holds (members, groups, keys, plans, runs, events, webhooks) and its log. */
export async function deleteWorkspaceRows(db: Db, id: string): Promise<boolean> {
  await db.deleteFrom('provisioning_log').where('workspace_id', '=', id).execute();
  const result = await db.deleteFrom('workspace').where('id', '=', id).executeTakeFirst();
  return Number(result.numDeletedRows) > 0;
}

/**
 * Take the next store revision and read the workspace as it is inside this transaction. Inside a transaction this is also the workspace's write lock on PostgreSQL
 * (the row stays locked until commit), so capacity checks and their writes cannot interleave across instances.
 */
const nextRevision = preparedQuery(
  (db, id: string) =>
    db
      .updateTable('workspace')
      // Raw increment: a bound `1` would become a second parameter of the prepared statement.
      .set({ revision: sql<number>`revision + 1` })
      .where('id', '=', id)
      .returningAll(),
  [''],
);

export async function bumpRevision(db: Db, id: string): Promise<Workspace> {
  return (await takeWriteLock(db, id)).workspace;
}

/** bumpRevision, with the sequence of the workspace's last event: the transaction's events are numbered after it. */
export async function takeWriteLock(db: Db, id: string): Promise<{ workspace: Workspace; eventSeq: number }> {
  const [row] = await nextRevision(db, id);
  if (!row) throw new Error(`workspace ${id} vanished during a write`);
  return { workspace: rowToWorkspace(row), eventSeq: Number(row.event_seq) };
}
