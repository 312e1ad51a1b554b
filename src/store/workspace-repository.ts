import { sql, type Kysely } from 'kysely';
import type { Workspace } from '../model/workspace.js';
import { workspacePolicySchema } from '../model/workspace-policy.js';
import type { Database, WorkspaceRow } from './database.js';
import { preparedQuery } from './prepared-query.js';

type Db = Kysely<Database>;

/** Read by every request and rarely changed: cached by text. */
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

/** Name and policy only. */
export async function updateWorkspaceSettings(db: Db, workspace: Workspace): Promise<void> {
  await db
    .updateTable('workspace')
    .set({ name: workspace.name, policy: JSON.stringify(workspace.policy), updated_at: workspace.updatedAt })
    .where('id', '=', workspace.id)
    .execute();
}

/** With everything it holds, and its log. */
export async function deleteWorkspaceRows(db: Db, id: string): Promise<boolean> {
  await db.deleteFrom('provisioning_log').where('workspace_id', '=', id).execute();
  const result = await db.deleteFrom('workspace').where('id', '=', id).executeTakeFirst();
  return Number(result.numDeletedRows) > 0;
}

/** On PostgreSQL this locks the row until commit: capacity checks and writes never interleave across instances. */
const nextRevision = preparedQuery(
  (db, id: string) =>
    db
      .updateTable('workspace')
      // Raw, so `1` is no extra parameter.
      .set({ revision: sql<number>`revision + 1` })
      .where('id', '=', id)
      .returningAll(),
  [''],
);

export async function bumpRevision(db: Db, id: string): Promise<Workspace> {
  return (await takeWriteLock(db, id)).workspace;
}

/** With the last event sequence, after which the transaction numbers its events. */
export async function takeWriteLock(db: Db, id: string): Promise<{ workspace: Workspace; eventSeq: number }> {
  const [row] = await nextRevision(db, id);
  if (!row) throw new Error(`workspace ${id} vanished during a write`);
  return { workspace: rowToWorkspace(row), eventSeq: Number(row.event_seq) };
}
