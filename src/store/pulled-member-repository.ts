import type { Kysely } from 'kysely';
import type { Drift, DriftReason } from '../model/drift.js';
import { insertRows } from './bulk-insert.js';
import type { Database, PulledMemberRow } from './database.js';
import { dialectOf } from './dialect-support.js';
import { keysetPages } from './keyset-pages.js';
import { listChunks } from './list-chunks.js';

type Db = Kysely<Database>;

// Per binding, each IdP user's last statement and, while the store differs, why: cycles re-plan from here, not from the
// IdP.

/** What a fresh statement is compared with, and the same-externalId member. */
export interface PulledState {
  hash: string;
  drift: DriftReason | null;
  detail: string | null;
  /** See pulled_member.settled_version. */
  settledVersion: number | null;
  member?: { id: string; version: number; syncedVersion: number; managedBy: string | null };
}

/** A statement with its drift (new or replacing), or only a new drift. */
export interface PulledWrite {
  externalId: string;
  statement?: { snapshot: string; hash: string };
  drift: Drift | null;
  settledVersion: number | null;
  replace: boolean;
}

export interface PulledStatement {
  externalId: string;
  snapshot: string;
  hash: string;
  drift: DriftReason | null;
  detail: string | null;
}

export async function hasPulled(db: Db, workspaceId: string, binding: string): Promise<boolean> {
  const row = await db.selectFrom('pulled_member').select('external_id').where('workspace_id', '=', workspaceId).where('binding', '=', binding).limit(1).executeTakeFirst();
  return row !== undefined;
}

export async function pulledStates(db: Db, workspaceId: string, binding: string, externalIds: readonly string[]): Promise<Map<string, PulledState>> {
  const states = new Map<string, PulledState>();
  const dialect = dialectOf(db);
  for (const chunk of listChunks(externalIds, dialect.chunks.keys)) {
    const { rows } = await dialect.pulledByKey(workspaceId, binding, chunk).execute(db);
    for (const row of rows) {
      const state: PulledState = { hash: row.hash, drift: row.drift, detail: row.drift_detail, settledVersion: row.settled_version === null ? null : Number(row.settled_version) };
      if (row.member_id !== null) state.member = { id: row.member_id, version: Number(row.version), syncedVersion: Number(row.synced_version), managedBy: row.managed_by };
      states.set(row.external_id, state);
    }
  }
  return states;
}

const PULLED_COLUMNS = ['workspace_id', 'binding', 'external_id', 'snapshot', 'hash', 'drift', 'drift_detail', 'settled_version', 'updated_at'] as const;

/** A changed statement replaces its row; a drift alone is one UPDATE per distinct drift. */
export async function writePulled(db: Db, workspaceId: string, binding: string, writes: readonly PulledWrite[], now: string): Promise<void> {
  const statements = writes.filter((w) => w.statement !== undefined);
  if (statements.length) {
    const replaced = statements.filter((w) => w.replace).map((w) => w.externalId);
    if (replaced.length) await deletePulled(db, workspaceId, binding, replaced);
    const rows = statements.map((w) => ({
      workspace_id: workspaceId,
      binding,
      external_id: w.externalId,
      snapshot: w.statement!.snapshot,
      hash: w.statement!.hash,
      drift: w.drift?.reason ?? null,
      drift_detail: w.drift?.detail ?? null,
      settled_version: w.settledVersion,
      updated_at: now,
    }));
    await insertRows(db, 'pulled_member', PULLED_COLUMNS, rows);
  }
  await setDrift(db, workspaceId, binding, writes.filter((w) => w.statement === undefined), now);
}

/** One UPDATE per distinct drift and settled version. */
export async function setDrift(
  db: Db,
  workspaceId: string,
  binding: string,
  drifts: readonly { externalId: string; drift: Drift | null; settledVersion?: number | null }[],
  now: string,
): Promise<void> {
  const perList = dialectOf(db).chunks.keys;
  const bySentence = new Map<string, { drift: Drift | null; settledVersion: number | null | undefined; ids: string[] }>();
  for (const { externalId, drift, settledVersion } of drifts) {
    const key = `${drift ? `${drift.reason}\u0001${drift.detail}` : ''}\u0002${settledVersion === undefined ? 'keep' : String(settledVersion)}`;
    const group = bySentence.get(key);
    if (group) group.ids.push(externalId);
    else bySentence.set(key, { drift, settledVersion, ids: [externalId] });
  }
  for (const { drift, settledVersion, ids } of bySentence.values()) {
    for (const chunk of listChunks(ids, perList)) {
      await db
        .updateTable('pulled_member')
        .set({ drift: drift?.reason ?? null, drift_detail: drift?.detail ?? null, updated_at: now, ...(settledVersion !== undefined ? { settled_version: settledVersion } : {}) })
        .where('workspace_id', '=', workspaceId)
        .where('binding', '=', binding)
        .where('external_id', 'in', chunk)
        .execute();
    }
  }
}

/** Their awaited change is applied. */
export async function clearDrift(db: Db, workspaceId: string, binding: string, externalIds: readonly string[], now: string): Promise<void> {
  for (const chunk of listChunks(externalIds, dialectOf(db).chunks.keys)) {
    await db
      .updateTable('pulled_member')
      .set({ drift: null, drift_detail: null, updated_at: now })
      .where('workspace_id', '=', workspaceId)
      .where('binding', '=', binding)
      .where('external_id', 'in', chunk)
      .execute();
  }
}

/** The IdP no longer lists them and no member remains. */
export async function deletePulled(db: Db, workspaceId: string, binding: string, externalIds: readonly string[]): Promise<void> {
  for (const chunk of listChunks(externalIds, dialectOf(db).chunks.keys)) {
    await db
      .deleteFrom('pulled_member')
      .where('workspace_id', '=', workspaceId)
      .where('binding', '=', binding)
      .where('external_id', 'in', chunk)
      .execute();
  }
}

const toStatement = (row: Pick<PulledMemberRow, 'external_id' | 'snapshot' | 'hash' | 'drift' | 'drift_detail'>): PulledStatement => ({
  externalId: row.external_id,
  snapshot: row.snapshot,
  hash: row.hash,
  drift: row.drift,
  detail: row.drift_detail,
});

/** Paged on the partial drift index. */
export async function* driftedStatements(db: Db, workspaceId: string, binding: string, pageSize = 1000): AsyncGenerator<PulledStatement[]> {
  const pages = keysetPages(pageSize, (row: { external_id: string }) => row.external_id, (after, limit) =>
    db
      .selectFrom('pulled_member')
      .select(['external_id', 'snapshot', 'hash', 'drift', 'drift_detail'])
      .where('workspace_id', '=', workspaceId)
      .where('binding', '=', binding)
      .where('drift', 'is not', null)
      .where('external_id', '>', after)
      .orderBy('external_id')
      .limit(limit)
      .execute(),
  );
  for await (const rows of pages) yield rows.map(toStatement);
}

/** Members written elsewhere since their binding matched them (partial index), with last statements. */
export async function* unsyncedMembers(db: Db, workspaceId: string, binding: string, pageSize = 1000): AsyncGenerator<{ memberId: string; externalId: string | null; statement: PulledStatement | null }[]> {
  const pages = keysetPages(pageSize, (row: { id: string }) => row.id, (after, limit) =>
    db
      .selectFrom('membership as m')
      .leftJoin('pulled_member as p', (join) => join.onRef('p.workspace_id', '=', 'm.workspace_id').onRef('p.binding', '=', 'm.managed_by').onRef('p.external_id', '=', 'm.external_id'))
      .select(['m.id', 'm.external_id as member_external_id', 'p.external_id', 'p.snapshot', 'p.hash', 'p.drift', 'p.drift_detail'])
      .where('m.workspace_id', '=', workspaceId)
      .where('m.managed_by', '=', binding)
      .where((eb) => eb('m.managed_by', 'is not', null).and('m.synced_version', '<>', eb.ref('m.version')))
      .where('m.id', '>', after)
      .orderBy('m.id')
      .limit(limit)
      .execute(),
  );
  for await (const rows of pages) {
    yield rows.map((row) => ({
      memberId: row.id,
      externalId: row.member_external_id,
      statement: row.external_id === null || row.snapshot === null || row.hash === null ? null : toStatement({ external_id: row.external_id, snapshot: row.snapshot, hash: row.hash, drift: row.drift, drift_detail: row.drift_detail }),
    }));
  }
}

/** Paged: a complete full read forgets users it did not see. */
export async function* pulledIds(db: Db, workspaceId: string, binding: string, pageSize = 10_000): AsyncGenerator<string[]> {
  const pages = keysetPages(pageSize, (row: { external_id: string }) => row.external_id, (after, limit) =>
    db
      .selectFrom('pulled_member')
      .select('external_id')
      .where('workspace_id', '=', workspaceId)
      .where('binding', '=', binding)
      .where('external_id', '>', after)
      .orderBy('external_id')
      .limit(limit)
      .execute(),
  );
  for await (const rows of pages) yield rows.map((r) => r.external_id);
}

/** A member written since stays unsynced. */
export async function confirmSynced(db: Db, workspaceId: string, members: readonly { id: string; version: number }[]): Promise<void> {
  const perList = dialectOf(db).chunks.keys;
  // One statement per version and chunk: members share a few versions.
  const byVersion = new Map<number, string[]>();
  for (const { id, version } of members) {
    const ids = byVersion.get(version);
    if (ids) ids.push(id);
    else byVersion.set(version, [id]);
  }
  for (const [version, ids] of byVersion) {
    for (const chunk of listChunks(ids, perList)) {
      await db
        .updateTable('membership')
        .set({ synced_version: version })
        .where('workspace_id', '=', workspaceId)
        .where('version', '=', version)
        .where('id', 'in', chunk)
        .execute();
    }
  }
}

/** Rows with a drift, plus members written elsewhere. */
export async function driftCounts(db: Db, workspaceId?: string): Promise<{ workspaceId: string; binding: string; reason: DriftReason; members: number }[]> {
  let pulled = db
    .selectFrom('pulled_member')
    .select(['workspace_id', 'binding', 'drift', (eb) => eb.fn.countAll<number | string>().as('n')])
    .where('drift', 'is not', null)
    .groupBy(['workspace_id', 'binding', 'drift']);
  let unsynced = db
    .selectFrom('membership')
    .select(['workspace_id', 'managed_by', (eb) => eb.fn.countAll<number | string>().as('n')])
    .where((eb) => eb('managed_by', 'is not', null).and('synced_version', '<>', eb.ref('version')))
    .groupBy(['workspace_id', 'managed_by']);
  if (workspaceId !== undefined) {
    pulled = pulled.where('workspace_id', '=', workspaceId);
    unsynced = unsynced.where('workspace_id', '=', workspaceId);
  }
  const [a, b] = await Promise.all([pulled.execute(), unsynced.execute()]);
  return [
    ...a.map((r) => ({ workspaceId: r.workspace_id, binding: r.binding, reason: r.drift!, members: Number(r.n) })),
    ...b.map((r) => ({ workspaceId: r.workspace_id, binding: r.managed_by!, reason: 'changed_elsewhere' as const, members: Number(r.n) })),
  ];
}

/** For `rosterd status` and `members --json`. */
export async function driftList(db: Db, workspaceId: string, limit: number): Promise<{ binding: string; externalId: string; reason: DriftReason; detail: string | null }[]> {
  const rows = await db
    .selectFrom('pulled_member')
    .select(['binding', 'external_id', 'drift', 'drift_detail'])
    .where('workspace_id', '=', workspaceId)
    .where('drift', 'is not', null)
    .orderBy('binding')
    .orderBy('external_id')
    .limit(limit)
    .execute();
  return rows.map((r) => ({ binding: r.binding, externalId: r.external_id, reason: r.drift!, detail: r.drift_detail }));
}
