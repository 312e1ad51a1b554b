import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { reconcileExitCode } from '../../../src/cli/reconcile-exit-code.js';
import { createMetrics } from '../../../src/daemon/metrics.js';
import type { BindingMapping } from '../../../src/connector/binding-mapping.js';
import type { ConnectorLogger } from '../../../src/connector/connector.js';
import type { WorkspacePolicyInput } from '../../../src/model/workspace-policy.js';
import type { Workspace } from '../../../src/model/workspace.js';
import type { ReconcileRequest } from '../../../src/reconcile/reconcile-request.js';
import { reconcile } from '../../../src/reconcile/reconciler.js';
import { findMemberByExternalId, findMemberByUserName } from '../../../src/store/member-repository.js';
import { driftList } from '../../../src/store/pulled-member-repository.js';
import { bindingStatuses } from '../../../src/store/pull-status-repository.js';
import { entraHarness } from '../../contract/entra-harness.js';
import { patchOp, scimClient, startTestGateway, type TestGateway } from '../../support/test-gateway.js';
import { DIALECTS, type TestDialect } from '../../support/test-store.js';

/**
 * Level-based reconcile: every cycle acts on the difference between what the IdP last said and what the store holds,
 * not only on what changed since the last cycle. Each case below drifted silently before: incremental cycles forgot
 * what they had skipped or what another source wrote. The real Entra connector against the fake Graph, a real SCIM
 * server for the pushes, a real SQLite file or PostgreSQL schema.
 */
const quiet: ConnectorLogger = { debug() {}, info() {}, warn() {}, error() {} };
const WS = 'acme';
const B44 = 'urn:base44:params:scim:schemas:extension:user:2.0';

describe.each(DIALECTS)('level-based reconcile on %s', (dialect: TestDialect) => {
  const h = entraHarness();
  let gw: TestGateway;
  let extra: Partial<BindingMapping> = {};
  beforeAll(() => h.start());
  afterAll(() => h.stop());
  beforeEach(async () => {
    h.reset();
    extra = {};
    gw = await startTestGateway(dialect);
  });
  afterEach(() => gw.close());

  const store = () => gw.db.store;
  const mappingFor = (workspace: Workspace): Partial<BindingMapping> => ({
    roleValueMap: workspace.policy.roleValueMap,
    rolePrecedence: workspace.policy.rolePrecedence,
    creditLimit: h.creditLimitSource,
    attributes: { department: h.departmentSource },
    ...extra,
  });
  /** One cycle of the workspace's Entra binding: incremental from its cursor unless asked otherwise. */
  const cycle = (request: Partial<ReconcileRequest> = {}) =>
    reconcile(
      {
        store: store(),
        config: { connectors: [{ workspace: WS, kind: 'entra', schedule: '* * * * *', settings: {} }] },
        log: quiet,
        clock: () => new Date(),
        connectorFor: async (workspace) => h.connector({ mapping: mappingFor(workspace) }),
      },
      { workspaceId: WS, mode: 'auto', dryRun: false, trigger: 'cli', ...request },
    );
  const member = (externalId: string) => findMemberByExternalId(store().db, WS, externalId);
  const user = (id: string, role: string, extra: { credit?: number; department?: string; userName?: string } = {}) => {
    h.addUser({
      id,
      userName: extra.userName ?? `${id}@acme.example`,
      givenName: 'Given',
      familyName: id,
      email: extra.userName ?? `${id}@acme.example`,
      profile: { [h.departmentSource]: extra.department ?? 'Sales', ...(extra.credit !== undefined ? { [h.creditLimitSource]: extra.credit } : {}) },
    });
    h.assignUser(id, role);
  };
  const driftOf = async (externalId: string) => (await driftList(store().db, WS, 1000)).find((d) => d.externalId === externalId) ?? null;

  it('a user deleted in Entra and recreated with the same UPN is provisioned by the next incremental cycle, after the old member is removed', async () => {
    await gw.workspace({ id: WS, preset: 'base44-v2' });
    user('u-old', 'editor', { userName: 'ada@acme.example' });
    user('u-2', 'viewer');
    expect((await cycle()).result).toBe('applied');
    h.deleteUser('u-old');
    user('u-new', 'admin', { userName: 'ada@acme.example' });

    const next = await cycle();
    expect(next, next.message).toMatchObject({ mode: 'incremental', result: 'applied', summary: { remove: 1, create: 1 } });
    expect(await member('u-old')).toBeUndefined();
    expect(await member('u-new')).toMatchObject({ userName: 'ada@acme.example', role: 'admin', active: true });
    // Nothing is left to do, incremental or full.
    expect(await cycle({ dryRun: true })).toMatchObject({ result: 'no_changes', drift: { count: 0 } });
    expect(await cycle({ mode: 'full', dryRun: true })).toMatchObject({ result: 'no_changes', drift: { count: 0 } });
  });

  it('an admin demoted to viewer while the credit limit stays is refused on every cycle, visibly, and demoted once the limit is cleared', async () => {
    await gw.workspace({ id: WS, preset: 'base44-v2' });
    user('u-1', 'admin', { credit: 500 });
    await cycle();
    expect(await member('u-1')).toMatchObject({ role: 'admin', creditLimit: 500 });
    h.unassignUser('u-1');
    h.assignUser('u-1', 'viewer');

    const refused = await cycle();
    expect(refused.result).toBe('drift');
    expect(reconcileExitCode(refused)).toBe(4);
    expect(refused.message).toMatch(/^applied no changes; refused 1 \(creditLimit applies only to admin and editor members/);
    expect(refused.drift).toMatchObject({ count: 1, reasons: { refused: { count: 1 } } });
    expect(await member('u-1')).toMatchObject({ role: 'admin', creditLimit: 500 });
    expect(await driftOf('u-1')).toMatchObject({ reason: 'refused', detail: expect.stringContaining('creditLimit applies only to admin and editor members') });

    const scraped = await createMetrics({ db: store().db, processMetrics: false }).render();
    expect(scraped).toContain(`rosterd_drift_members{workspace="${WS}",binding="entra",reason="refused"} 1`);

    // The IdP says nothing new, and the next cycle plans the member again all the same: the refusal is a state.
    const again = await cycle();
    expect(again).toMatchObject({ mode: 'incremental', result: 'drift', drift: { count: 1 } });
    expect(reconcileExitCode(await cycle({ dryRun: true }))).toBe(2);

    h.updateUser('u-1', { profile: { [h.creditLimitSource]: null } });
    const cleared = await cycle();
    expect(cleared, cleared.message).toMatchObject({ result: 'applied', summary: { update: 1 }, drift: { count: 0 } });
    expect(await member('u-1')).toMatchObject({ role: 'viewer', creditLimit: null });
    expect(await driftOf('u-1')).toBeNull();
    expect(await cycle()).toMatchObject({ result: 'no_changes' });
  });

  it('a user the IdP disables is deactivated even when the rest of the change is refused, which stays in drift', async () => {
    await gw.workspace({ id: WS, version: 'v2' });
    user('u-1', 'admin', { credit: 500 });
    await cycle();
    h.deactivateUser('u-1');
    h.unassignUser('u-1');
    h.assignUser('u-1', 'viewer');
    const next = await cycle();
    expect(next, next.message).toMatchObject({ result: 'drift', summary: { deactivate: 1 }, drift: { reasons: { refused: { count: 1 } } } });
    // Access goes first: suspended, with the role the policy would not let it take left as it was.
    expect(await member('u-1')).toMatchObject({ active: false, role: 'admin', creditLimit: 500 });
    expect(await driftOf('u-1')).toMatchObject({ reason: 'refused' });
  });

  it('V1: a member waiting for a seat gets the one freed by an unassignment in the same cycle, and one added to the capacity in the next', async () => {
    await gw.workspace({ id: WS, preset: 'base44-v1', policy: { seats: { builder: 1 }, defaultSeatType: 'builder' } });
    for (const id of ['u-1', 'u-2', 'u-3']) user(id, 'viewer');
    const first = await cycle();
    expect(first.result).toBe('drift');
    expect(first.message).toMatch(/refused 2 \(no builder seats left\)/);
    const holders = async () => (await Promise.all(['u-1', 'u-2', 'u-3'].map(async (id) => ((await member(id))?.active ? id : null)))).filter(Boolean);
    const [holder] = await holders();
    expect(await holders()).toHaveLength(1);

    h.unassignUser(holder!);
    const freed = await cycle();
    expect(freed, freed.message).toMatchObject({ mode: 'incremental', result: 'drift', summary: { remove: 1, create: 1 }, drift: { count: 1, reasons: { no_seat: { count: 1 } } } });
    expect(await member(holder!)).toBeUndefined();
    expect(await holders()).toHaveLength(1);

    // The capacity rises (the customer bought a seat); the IdP says nothing new. New settings call for a full read.
    const ws = (await store().db.selectFrom('workspace').select('policy').where('id', '=', WS).executeTakeFirstOrThrow()).policy;
    await store().db.updateTable('workspace').set({ policy: JSON.stringify({ ...JSON.parse(ws), seats: { builder: 2 } }) }).where('id', '=', WS).execute();
    const raised = await cycle();
    expect(raised, raised.message).toMatchObject({ mode: 'full', result: 'applied', summary: { create: 1 }, drift: { count: 0 } });
    expect((await cycle()).mode).toBe('incremental');
    expect(await holders()).toHaveLength(2);
  });

  it('a SCIM push that disagrees with the IdP on a mapped field is corrected by the next incremental cycle; an unmapped field is left alone', async () => {
    const ws = await gw.workspace({ id: WS, preset: 'base44-v2' });
    user('u-1', 'editor', { department: 'Sales' });
    await cycle();
    const id = (await member('u-1'))!.id;
    const scim = scimClient(gw.app, ws.base, ws.token);
    const pushed = await scim.patch(
      `/Users/${id}`,
      patchOp(
        { op: 'replace', path: 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:department', value: 'Finance' },
        { op: 'replace', path: 'title', value: 'Head of Sales' },
      ),
    );
    expect(pushed.status, JSON.stringify(pushed.body)).toBe(200);

    const next = await cycle();
    expect(next, next.message).toMatchObject({ mode: 'incremental', result: 'applied', summary: { update: 1 } });
    expect(await member('u-1')).toMatchObject({ department: 'Sales', title: 'Head of Sales' });
    // Compared and found matching, the member is no longer a candidate.
    expect(await cycle({ dryRun: true })).toMatchObject({ result: 'no_changes' });

    // A push of the unmapped field alone changes nothing the pull cares about.
    await scim.patch(`/Users/${id}`, patchOp({ op: 'replace', path: 'title', value: 'CTO' }));
    expect(await cycle()).toMatchObject({ result: 'no_changes' });
    expect(await member('u-1')).toMatchObject({ department: 'Sales', title: 'CTO' });
  });

  it('a member another source removes while the IdP still assigns it is in drift until the next cycle creates it again', async () => {
    const ws = await gw.workspace({ id: WS, preset: 'base44-v2' });
    user('u-1', 'editor');
    await cycle();
    const scim = scimClient(gw.app, ws.base, ws.token);
    expect((await scim.delete(`/Users/${(await member('u-1'))!.id}`)).status).toBe(204);
    expect(await driftOf('u-1')).toMatchObject({ reason: 'removed_elsewhere' });
    const statuses = await bindingStatuses(store().db, WS);
    expect(statuses[0]!.drift).toEqual({ removed_elsewhere: 1 });

    const next = await cycle();
    expect(next, next.message).toMatchObject({ mode: 'incremental', result: 'applied', summary: { create: 1 } });
    expect(await member('u-1')).toMatchObject({ role: 'editor', active: true });
    expect(await driftOf('u-1')).toBeNull();
  });

  it('a userName held by a member the plan does not free stays a conflict, shown as drift, and is provisioned once it is freed', async () => {
    const ws = await gw.workspace({ id: WS, preset: 'base44-v2' });
    // Pushed before the pull existed, with another externalId: not the binding's to remove.
    const scim = scimClient(gw.app, ws.base, ws.token);
    const pushed = await scim.post('/Users', { schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'], userName: 'ada@acme.example', externalId: 'legacy-7', [B44]: { role: 'viewer' } });
    expect(pushed.status).toBe(201);
    user('u-1', 'editor', { userName: 'ada@acme.example' });
    const first = await cycle();
    expect(first.result).toBe('drift');
    expect(await driftOf('u-1')).toMatchObject({ reason: 'conflict' });
    expect(reconcileExitCode(first)).toBe(4);

    expect((await scim.delete(`/Users/${pushed.body.id}`)).status).toBe(204);
    const next = await cycle();
    expect(next, next.message).toMatchObject({ mode: 'incremental', result: 'applied', summary: { create: 1 } });
    expect(await findMemberByUserName(store().db, WS, 'ada@acme.example')).toMatchObject({ externalId: 'u-1', role: 'editor' });
  });

  it('plans again a change that was planned but never applied (its plan held by the deletion budget, then superseded)', async () => {
    await gw.workspace({ id: WS, preset: 'base44-v2', policy: { deletionBudget: { count: 1, percent: null } } });
    for (let i = 0; i < 4; i++) user(`u-${i}`, 'viewer');
    await cycle();
    h.updateUser('u-3', { profile: { [h.departmentSource]: 'Finance' } });
    h.unassignUser('u-0');
    h.unassignUser('u-1');
    expect((await cycle()).result).toBe('refused');
    expect(await member('u-3')).toMatchObject({ department: 'Sales' });
    // The unassignments were a mistake, undone in the IdP; the department change still stands.
    h.assignUser('u-0', 'viewer');
    h.assignUser('u-1', 'viewer');
    const next = await cycle();
    expect(next, next.message).toMatchObject({ result: 'applied', summary: { update: 1 } });
    expect(await member('u-3')).toMatchObject({ department: 'Finance' });
    expect(await cycle({ mode: 'full', dryRun: true })).toMatchObject({ result: 'no_changes' });
  });

  it('runs a full read when one is due: the first cycle, after the fullSchedule interval, after an incomplete read', async () => {
    await gw.workspace({ id: WS, preset: 'base44-v2', policy: {} satisfies WorkspacePolicyInput });
    for (let i = 0; i < 4; i++) user(`u-${i}`, 'viewer');
    expect((await cycle()).mode).toBe('full');
    expect((await cycle()).mode).toBe('incremental');
    // The last full read recorded, an hour ago against a 30-minute schedule: due.
    await store().db.updateTable('connector_state').set({ last_full_at: new Date(Date.now() - 3_600_000).toISOString() }).where('workspace_id', '=', WS).execute();
    const scheduled = await reconcile(
      {
        store: store(),
        config: { connectors: [{ workspace: WS, kind: 'entra', schedule: '* * * * *', fullSchedule: '30m', settings: {} }] },
        log: quiet,
        clock: () => new Date(),
        connectorFor: async (workspace) => h.connector({ mapping: mappingFor(workspace) }),
      },
      { workspaceId: WS, mode: 'auto', dryRun: false, trigger: 'schedule' },
    );
    expect(scheduled.mode).toBe('full');
    expect((await cycle()).mode).toBe('incremental');

    // An IdP read that stops partway is a failure (what it read is applied), and the next cycle reads everything.
    h.updateUser('u-1', { profile: { [h.departmentSource]: 'Finance' } });
    h.setPageSize(1);
    h.injectFault({ status: 500, count: 50, afterRequests: 2 });
    const broken = await cycle({ mode: 'full' });
    expect(broken).toMatchObject({ result: 'failed', complete: false, errorCode: 'ROSTERD_E_CONNECTOR' });
    expect(reconcileExitCode(broken)).toBe(1);
    expect((await bindingStatuses(store().db, WS))[0]!.fullDue).toMatch(/incomplete/);
    h.reset();
    for (let i = 0; i < 4; i++) user(`u-${i}`, 'viewer', i === 1 ? { department: 'Finance' } : {});
    const after = await cycle();
    expect(after.mode).toBe('full');
    expect((await bindingStatuses(store().db, WS))[0]!.fullDue).toBeNull();
  });
});
