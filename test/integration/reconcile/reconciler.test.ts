import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createWorkspace } from '../../../src/admin/create-workspace.js';
import type { BindingMapping } from '../../../src/connector/binding-mapping.js';
import type { ConnectorLogger } from '../../../src/connector/connector.js';
import type { WorkspacePolicyInput } from '../../../src/model/workspace-policy.js';
import { applySavedPlan } from '../../../src/reconcile/apply-saved-plan.js';
import type { ReconcileRequest } from '../../../src/reconcile/reconcile-request.js';
import { reconcile, reconcileScheduled, type ReconcilerDeps } from '../../../src/reconcile/reconciler.js';
import { findMemberByExternalId, findMemberByUserName } from '../../../src/store/member-repository.js';
import { setOwner } from '../../../src/admin/set-owner.js';
import { readConnectorState } from '../../../src/store/connector-state-repository.js';
import { findPlan, planChanges } from '../../../src/store/plan-repository.js';
import { listRuns } from '../../../src/store/sync-run-repository.js';
import type { Change } from '../../../src/model/plan.js';
import type { ConnectorHarness } from '../../contract/connector-harness.js';
import { entraHarness } from '../../contract/entra-harness.js';
import { OktaHarness } from '../../contract/okta-harness.js';
import { DIALECTS, openTestStore, type TestDialect, type TestStore } from '../../support/test-store.js';

/**
 * The reconciler end to end below the CLI: the real Entra and Okta connectors against the fake IdPs, a real
 * SQLite file or PostgreSQL schema, every change through the policy and apply.
 */
const quiet: ConnectorLogger = { debug() {}, info() {}, warn() {}, error() {} };
const WS = 'acme';

const cases = DIALECTS.flatMap((dialect) => [entraHarness(), new OktaHarness()].map((h) => ({ dialect, h, name: `${h.kind} on ${dialect}` })));

describe.each(cases)('reconciler: $name', ({ dialect, h }: { dialect: TestDialect; h: ConnectorHarness }) => {
  let db: TestStore;
  let mapping: Partial<BindingMapping>;
  beforeAll(() => h.start());
  afterAll(() => h.stop());
  beforeEach(async () => {
    h.reset();
    db = await openTestStore(dialect);
    mapping = { creditLimit: h.creditLimitSource, attributes: { department: h.departmentSource } };
  });
  afterEach(() => db.cleanup());

  const workspace = (policy: WorkspacePolicyInput = {}, version: 'v1' | 'v2' = 'v2') =>
    createWorkspace(db.store.db, { id: WS, version, now: new Date().toISOString(), policy });
  const deps = (): ReconcilerDeps => ({
    store: db.store,
    config: { connectors: [{ workspace: WS, kind: h.kind, schedule: '* * * * *', settings: {} }] },
    log: quiet,
    clock: () => new Date(),
    connectorFor: async () => h.connector({ mapping }),
  });
  const run = (request: Partial<ReconcileRequest> = {}) => reconcile(deps(), { workspaceId: WS, mode: 'auto', dryRun: false, trigger: 'cli', ...request });
  /** The daemon's cycle: null while a plan waits for approval. */
  const scheduled = () => reconcileScheduled(deps(), { workspaceId: WS, mode: 'auto' });
  const changesOf = async (planId: string | null): Promise<Change[]> => {
    const out: Change[] = [];
    for await (const page of planChanges(db.store.db, planId!)) out.push(...page);
    return out;
  };
  const user = (i: number, role: string | null, extra: { department?: string; credit?: number } = {}) => {
    const id = `u-${i}`;
    h.addUser({ id, userName: `user${i}@example.test`, givenName: `Given${i}`, familyName: `Family${i}`, email: `user${i}@example.test`, profile: { [h.departmentSource]: extra.department ?? 'Sales', ...(extra.credit !== undefined ? { [h.creditLimitSource]: extra.credit } : {}) } });
    h.assignUser(id, role);
    return id;
  };

  it('dry run plans without writing; apply converges; the next cycle has nothing to do; an IdP change flows through', async () => {
    await workspace();
    user(1, 'admin', { credit: 250 });
    user(2, 'editor');
    user(3, 'viewer');
    h.addUser({ id: 'u-g', userName: 'grouped@example.test', email: 'grouped@example.test' });
    h.addGroup('grp-1', 'Design', ['u-g']);
    h.assignGroup('grp-1', 'editor');

    const dry = await run({ dryRun: true });
    expect(dry).toMatchObject({ result: 'planned', complete: true, membersRead: 4 });
    expect(dry.summary.create).toBe(6); // 4 members, 1 group, 1 membership
    expect(await findMemberByExternalId(db.store.db, WS, 'u-1')).toBeUndefined();
    const planned = await changesOf(dry.planId);
    expect(planned.map((c) => `${c.kind}:${c.action}:${c.key}`)).toEqual([
      'group:create:Design',
      'member:create:grouped@example.test',
      'member:create:user1@example.test',
      'member:create:user2@example.test',
      'member:create:user3@example.test',
      'group_member:create:Design ← grouped@example.test',
    ]);

    const applied = await run();
    expect(applied).toMatchObject({ result: 'applied' });
    const admin = await findMemberByExternalId(db.store.db, WS, 'u-1');
    expect(admin).toMatchObject({ userName: 'user1@example.test', role: 'admin', creditLimit: 250, department: 'Sales', active: true, managedBy: h.kind, lastSource: `connector:${h.kind}` });
    expect((await findMemberByExternalId(db.store.db, WS, 'u-g'))?.role).toBe('editor');

    const again = await run();
    expect(again).toMatchObject({ result: 'no_changes', planId: null });

    h.updateUser('u-2', { profile: { [h.departmentSource]: 'Finance' } });
    h.unassignUser('u-3');
    const next = await run();
    expect(next).toMatchObject({ result: 'applied' });
    expect((await findMemberByExternalId(db.store.db, WS, 'u-2'))?.department).toBe('Finance');
    expect((await findMemberByExternalId(db.store.db, WS, 'u-3'))?.active).toBe(false);
    const runs = await listRuns(db.store.db, WS, 10);
    expect(runs.map((r) => r.result)).toEqual(['applied', 'no_changes', 'applied', 'planned']);
  });

  it('a mass unassignment over the deletion budget is refused and kept pending until approved', async () => {
    await workspace({ deletionBudget: { count: null, percent: 20 } });
    for (let i = 0; i < 10; i++) user(i, 'viewer');
    const first = await run();
    expect(first.result).toBe('applied');
    // Applied at once, a plan leaves the cursor to the binding alone.
    const firstCursor = (await readConnectorState(db.store.db, WS, h.kind)).cursor;
    expect(firstCursor).not.toBeNull();
    expect((await findPlan(db.store.db, first.planId!))?.cursor).toBeNull();
    for (let i = 0; i < 5; i++) h.unassignUser(`u-${i}`);

    const refused = await run();
    expect(refused).toMatchObject({ result: 'refused' });
    expect(refused.message).toContain('deletion budget');
    const pending = await findPlan(db.store.db, refused.planId!);
    expect(pending?.status).toBe('pending');
    // Held for approval, the plan keeps the cursor it read up to; the binding's stays where it was until then.
    expect(pending?.cursor).not.toBeNull();
    expect((await readConnectorState(db.store.db, WS, h.kind)).cursor).toBe(firstCursor);
    expect((await findMemberByExternalId(db.store.db, WS, 'u-0'))?.active).toBe(true);
    // The daemon does not pile up new plans, nor runs, while one waits for an admin.
    const runs = (await listRuns(db.store.db, WS, 100)).length;
    expect(await scheduled()).toBeNull();
    expect(await scheduled()).toBeNull();
    expect(await listRuns(db.store.db, WS, 100)).toHaveLength(runs);

    const approved = await applySavedPlan(db.store, refused.planId!, { trigger: 'approve', decidedBy: 'cli', clock: () => new Date() });
    expect(approved).toMatchObject({ result: 'applied' });
    expect(approved.summary.deactivate).toBe(5);
    expect((await readConnectorState(db.store.db, WS, h.kind)).cursor).toBe(pending?.cursor);
    expect((await findMemberByExternalId(db.store.db, WS, 'u-0'))?.active).toBe(false);
    expect((await findMemberByExternalId(db.store.db, WS, 'u-9'))?.active).toBe(true);
  });

  /** Four members synced under a budget of one deprovision, then two of them unassigned in the IdP: over budget. */
  const twoUnassignedOfFour = async () => {
    await workspace({ deletionBudget: { count: 1, percent: null } });
    for (let i = 0; i < 4; i++) user(i, 'viewer');
    await run();
    h.unassignUser('u-0');
    h.unassignUser('u-1');
  };

  it('--allow-deletes lets a plan over budget through', async () => {
    await twoUnassignedOfFour();
    expect((await run({ mode: 'full', dryRun: true })).summary.deactivate).toBe(2);
    expect(await run({ mode: 'full', allowDeletes: 2 })).toMatchObject({ result: 'applied' });
    expect((await findMemberByExternalId(db.store.db, WS, 'u-1'))?.active).toBe(false);
  });

  const pendingPlans = async () =>
    (await db.store.db.selectFrom('plan').select('id').where('workspace_id', '=', WS).where('status', '=', 'pending').execute()).map((r) => r.id);

  it('a cycle applied with --allow-deletes supersedes the older pending plan, and the schedule resumes', async () => {
    await twoUnassignedOfFour();
    const refused = await run({ mode: 'full' });
    expect(refused).toMatchObject({ result: 'refused' });
    expect(await scheduled()).toBeNull();

    const applied = await run({ mode: 'full', allowDeletes: 2 });
    expect(applied).toMatchObject({ result: 'applied' });
    const old = await findPlan(db.store.db, refused.planId!);
    expect(old).toMatchObject({ status: 'stale', decidedBy: `connector:${h.kind}` });
    expect(old!.decidedAt).not.toBeNull();
    expect(old!.warnings.at(-1)).toBe(`superseded by plan ${applied.planId} (run ${applied.runId}): a later cycle applied, so the workspace is no longer at this plan's basis`);
    expect(await pendingPlans()).toEqual([]);

    expect(await scheduled()).toMatchObject({ result: 'no_changes' });
    // Nothing stale can be approved any more.
    await expect(applySavedPlan(db.store, refused.planId!, { trigger: 'approve', decidedBy: 'cli', clock: () => new Date() })).rejects.toThrow(`plan ${refused.planId} is stale`);
    expect((await findMemberByExternalId(db.store.db, WS, 'u-0'))?.active).toBe(false);
    expect((await findMemberByExternalId(db.store.db, WS, 'u-2'))?.active).toBe(true);
  });

  it('a cycle refused again leaves exactly one pending plan: the newest', async () => {
    await twoUnassignedOfFour();
    const first = await run({ mode: 'full' });
    h.unassignUser('u-2');
    const second = await run({ mode: 'full' });
    expect([first.result, second.result]).toEqual(['refused', 'refused']);
    expect(second.summary.deactivate).toBe(3);
    expect(await pendingPlans()).toEqual([second.planId]);
    expect(await findPlan(db.store.db, first.planId!)).toMatchObject({ status: 'stale', decidedBy: `connector:${h.kind}` });
    // The daemon waits for the newest one, and approving it applies what the IdP says now.
    expect(await scheduled()).toBeNull();
    expect(await applySavedPlan(db.store, second.planId!, { trigger: 'approve', decidedBy: 'cli', clock: () => new Date() })).toMatchObject({ result: 'applied', summary: { deactivate: 3 } });
    expect(await scheduled()).toMatchObject({ result: 'no_changes' });
  });

  it('a manual cycle that finds nothing left to do settles a pending plan the IdP no longer asks for', async () => {
    await twoUnassignedOfFour();
    const refused = await run({ mode: 'full' });
    expect(refused.result).toBe('refused');
    // The unassignment was a mistake, undone in the IdP.
    h.assignUser('u-0', 'viewer');
    h.assignUser('u-1', 'viewer');
    expect(await run({ mode: 'full' })).toMatchObject({ result: 'no_changes' });
    expect((await findPlan(db.store.db, refused.planId!))?.status).toBe('stale');
    expect(await scheduled()).toMatchObject({ result: 'no_changes' });
  });

  it('an IdP failure mid-read deactivates nobody, and the plan says why', async () => {
    await workspace();
    for (let i = 0; i < 6; i++) user(i, 'viewer');
    await run();
    h.setPageSize(2);
    h.injectFault({ status: 500, count: 50, afterRequests: 1 });
    const outcome = await run({ mode: 'full' });
    expect(outcome.complete).toBe(false);
    expect(outcome.summary.deactivate + outcome.summary.remove).toBe(0);
    expect(outcome.warnings.join(' ')).toContain('incomplete');
    for (let i = 0; i < 6; i++) expect((await findMemberByExternalId(db.store.db, WS, `u-${i}`))?.active).toBe(true);
  });

  it('owners and policy refusals stay in the plan as skips with the reason', async () => {
    await workspace();
    user(1, 'viewer', { credit: 100 });
    user(2, 'editor');
    await run();
    const owner = await findMemberByExternalId(db.store.db, WS, 'u-2');
    await setOwner(db.store, WS, owner!.userName, true, () => new Date().toISOString());
    h.unassignUser('u-2');
    const outcome = await run({ mode: 'full', dryRun: true });
    const skips = (await changesOf(outcome.planId)).filter((c) => c.action === 'skip');
    expect(skips.map((c) => c.key).sort()).toEqual(['user1@example.test', 'user2@example.test']);
    expect(skips.find((c) => c.key === 'user1@example.test')?.reason).toContain('creditLimit applies only to admin and editor');
    expect(skips.find((c) => c.key === 'user2@example.test')?.reason).toContain('owner');
    expect(await findMemberByExternalId(db.store.db, WS, 'u-1')).toBeUndefined();
  });

  it('adopts a member that existed before rosterd by userName only when the workspace says so', async () => {
    await workspace({ adoptByUserName: true });
    const { store } = db;
    const { apply } = await import('../../../src/reconcile/apply.js');
    const { memberChange } = await import('../../../src/reconcile/member-change.js');
    const { emptyMemberFields } = await import('../../../src/model/member.js');
    await apply(store, WS, async (_trx, ws) => ({
      changes: [memberChange(ws, null, { ...emptyMemberFields('user1@example.test'), role: 'viewer' })],
      value: null,
    }), { ...{ actor: 'cli', requestId: null, now: () => new Date().toISOString() }, mode: 'whole', failure: { operation: 'member.create', targetKind: 'member', targetId: null, targetKey: null } });
    user(1, 'editor');
    const outcome = await run();
    expect(outcome.result).toBe('applied');
    const adopted = await findMemberByUserName(store.db, WS, 'user1@example.test');
    expect(adopted).toMatchObject({ externalId: 'u-1', role: 'editor', managedBy: h.kind });
  });

  it('creates many members in bulk, two people sharing an email getting one account', async () => {
    await workspace();
    for (let i = 0; i < 30; i++) user(i, 'viewer');
    h.addUser({ id: 'u-alias', userName: 'alias@example.test', email: 'user1@example.test' });
    h.assignUser('u-alias', 'viewer');
    expect(await run()).toMatchObject({ result: 'applied', summary: { create: 31 } });
    const alias = await findMemberByExternalId(db.store.db, WS, 'u-alias');
    const original = await findMemberByExternalId(db.store.db, WS, 'u-1');
    expect(alias!.accountId).toBe(original!.accountId);
    expect(alias!.id).not.toBe(original!.id);
  });

  it('provisions one member on demand', async () => {
    await workspace();
    user(1, 'admin');
    user(2, 'viewer');
    const outcome = await run({ mode: 'user', user: 'u-2' });
    expect(outcome).toMatchObject({ result: 'applied', membersRead: 1 });
    expect(await findMemberByExternalId(db.store.db, WS, 'u-1')).toBeUndefined();
    expect((await findMemberByExternalId(db.store.db, WS, 'u-2'))?.role).toBe('viewer');
  });
});
