import type { Kysely } from 'kysely';
import { createWorkspace } from '../../src/admin/create-workspace.js';
import { emptySummary } from '../../src/model/plan.js';
import type { Database } from '../../src/store/database.js';
import { insertPlan } from '../../src/store/plan-repository.js';

/** A V2 workspace `acme` with a stored plan `planId` of no changes yet, for tests that write or read plan rows. */
export async function workspaceWithEmptyPlan(db: Kysely<Database>, planId: string): Promise<void> {
  await createWorkspace(db, { id: 'acme', version: 'v2', now: new Date().toISOString() });
  await insertEmptyPlan(db, planId);
}

/** Another stored plan `planId` of no changes yet in workspace `acme`. */
export async function insertEmptyPlan(db: Kysely<Database>, planId: string): Promise<void> {
  const now = new Date().toISOString();
  await insertPlan(db, {
    id: planId, workspaceId: 'acme', source: 'connector:entra', binding: 'entra', basis: 0, status: 'planned', summary: emptySummary(),
    warnings: [], changeCount: 0, deletions: 0, complete: true, cursor: null, createdAt: now, decidedAt: null, decidedBy: null,
  });
}
