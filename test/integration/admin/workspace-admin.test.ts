import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { checkConfiguredWorkspaces } from '../../../src/admin/configured-workspaces.js';
import { deleteWorkspace } from '../../../src/admin/delete-workspace.js';
import { updateWorkspace } from '../../../src/admin/update-workspace.js';
import { resolvePlanId } from '../../../src/cli/resolve-plan-id.js';
import { configSchema, type ConfigInput } from '../../../src/config/config-schema.js';
import { findWorkspace, listWorkspaces } from '../../../src/store/workspace-repository.js';
import { insertEmptyPlan } from '../../support/empty-plan.js';
import { DIALECTS, type TestDialect } from '../../support/test-store.js';
import { scimClient, startTestGateway, type TestGateway } from '../../support/test-gateway.js';

const config = (input: ConfigInput = {}) => configSchema.parse(input);
const now = () => new Date().toISOString();

/** Changing and deleting workspaces, and the checks that keep the configuration and the database in step. */
describe.each(DIALECTS)('workspace administration on %s', (dialect: TestDialect) => {
  let gateway: TestGateway;
  beforeEach(async () => {
    gateway = await startTestGateway(dialect);
  });
  afterEach(() => gateway.close());
  const store = () => gateway.db.store;

  it('lays a policy change over the current policy, bumps the revision, and refuses keys of the other version', async () => {
    await gateway.workspace({ id: 'acme', preset: 'base44-v1', policy: { seats: { builder: 10, pro: 5 } } });
    const { before, after } = await updateWorkspace(store(), 'acme', { policy: { seats: { builder: 20 }, deletionBudget: { count: null } }, now: now() });
    expect(after.policy.seats).toEqual({ builder: 20, pro: 5 });
    expect(after.policy.deletionBudget).toEqual({ count: null, percent: 20 });
    expect(after.policy.deprovision).toBe('remove');
    const stored = await findWorkspace(store().db, 'acme');
    expect(stored!.revision).toBe(before.revision + 1);
    expect(stored!.policy.seats).toEqual({ builder: 20, pro: 5 });

    await expect(updateWorkspace(store(), 'acme', { policy: { defaultRole: 'admin' }, now: now() })).rejects.toThrow('a v1 workspace has no defaultRole');
    await expect(updateWorkspace(store(), 'acme', { policy: { deprovision: 'vanish' as never }, now: now() })).rejects.toThrow(/workspace policy: deprovision/);
    await expect(updateWorkspace(store(), 'nope', { name: 'x', now: now() })).rejects.toThrow('workspace "nope" does not exist');
    // A refused change changes nothing.
    expect((await findWorkspace(store().db, 'acme'))!.revision).toBe(stored!.revision);
  });

  it('applies a raised seat capacity to the next SCIM write', async () => {
    const acme = await gateway.workspace({ id: 'acme', preset: 'base44-v1', policy: { seats: { builder: 1 } } });
    const scim = scimClient(gateway.app, acme.base, acme.token);
    const user = (n: number) => ({ schemas: ['urn:ietf:params:scim:schemas:core:2.0:User', 'urn:base44:params:scim:schemas:extension:user:2.0'], userName: `u${n}@acme.example`, 'urn:base44:params:scim:schemas:extension:user:2.0': { seatType: 'builder' } });
    expect((await scim.post('/Users', user(1))).status).toBe(201);
    const full = await scim.post('/Users', user(2));
    expect(full.status).toBe(400);
    expect(full.body.detail).toContain('builder');
    await updateWorkspace(store(), 'acme', { policy: { seats: { builder: 2 } }, now: now() });
    expect((await scim.post('/Users', user(2))).status).toBe(201);
  });

  it('deletes a workspace with its members, keys, events and log, and leaves the others alone', async () => {
    const acme = await gateway.workspace({ id: 'acme', version: 'v2' });
    const beta = await gateway.workspace({ id: 'beta', version: 'v2' });
    for (const ws of [acme, beta]) {
      const response = await scimClient(gateway.app, ws.base, ws.token).post('/Users', { schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'], userName: `ada@${ws.id}.example` });
      expect(response.status).toBe(201);
    }
    await deleteWorkspace(store(), config(), 'acme');
    const db = store().db;
    const count = async (table: 'membership' | 'api_key' | 'event' | 'provisioning_log', workspaceId: string) =>
      Number((await db.selectFrom(table).select((eb) => eb.fn.countAll<number>().as('n')).where('workspace_id', '=', workspaceId).executeTakeFirstOrThrow()).n);
    for (const table of ['membership', 'api_key', 'event', 'provisioning_log'] as const) {
      expect(await count(table, 'acme')).toBe(0);
      expect(await count(table, 'beta')).toBeGreaterThan(0);
    }
    // Its key no longer opens anything.
    expect((await scimClient(gateway.app, acme.base, acme.token).get('/Users')).status).toBe(401);
    expect((await scimClient(gateway.app, beta.base, beta.token).get('/Users')).status).toBe(200);
    await expect(deleteWorkspace(store(), config(), 'acme')).rejects.toThrow('workspace "acme" does not exist');
  });

  it('refuses to delete a workspace the configuration names, and to start when a binding or mount names a missing one', async () => {
    await gateway.workspace({ id: 'acme', version: 'v2' });
    const bound = config({ bootstrap: { workspace: null }, scim: { mounts: [{ path: '/scim/v2', workspace: 'acme' }] }, connectors: [{ workspace: 'acme', kind: 'okta', settings: {} }] });
    await expect(deleteWorkspace(store(), bound, 'acme')).rejects.toThrow('workspace "acme" is still named by connector binding okta and SCIM mount /scim/v2 in the configuration; remove them first');
    const existing = new Set((await listWorkspaces(store().db)).map((w) => w.id));
    expect(() => checkConfiguredWorkspaces(bound, existing)).not.toThrow();
    const missing = config({ bootstrap: { workspace: null }, connectors: [{ workspace: 'acme', kind: 'okta', settings: {} }, { workspace: 'ghost', kind: 'entra', settings: {} }] });
    expect(() => checkConfiguredWorkspaces(missing, existing)).toThrow('connector binding entra names workspace "ghost", which does not exist');
    const mount = config({ bootstrap: { workspace: null }, scim: { mounts: [{ path: '/scim', workspace: 'ghost' }] } });
    expect(() => checkConfiguredWorkspaces(mount, existing)).toThrow('SCIM mount /scim names workspace "ghost"');
  });

  it('finds a plan by a unique prefix of its id', async () => {
    await gateway.workspace({ id: 'acme', version: 'v2' });
    const db = store().db;
    await insertEmptyPlan(db, '5d0c1111-aaaa-7000-8000-000000000001');
    await insertEmptyPlan(db, '5d0c2222-bbbb-7000-8000-000000000002');
    await expect(resolvePlanId(db, '5d0c1')).resolves.toBe('5d0c1111-aaaa-7000-8000-000000000001');
    await expect(resolvePlanId(db, '5D0C2222')).resolves.toBe('5d0c2222-bbbb-7000-8000-000000000002');
    await expect(resolvePlanId(db, '5d0c2222-bbbb-7000-8000-000000000002')).resolves.toBe('5d0c2222-bbbb-7000-8000-000000000002');
    await expect(resolvePlanId(db, '5d0c')).rejects.toThrow('plan id "5d0c" matches several plans');
    await expect(resolvePlanId(db, '5d0')).rejects.toThrow('too short');
    await expect(resolvePlanId(db, 'ffff')).rejects.toThrow('plan ffff does not exist');
    await expect(resolvePlanId(db, "5d0c' or 1=1")).rejects.toThrow('does not exist');
  });
});
