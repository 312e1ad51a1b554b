import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BindingMapping } from '../../../src/connector/binding-mapping.js';
import type { ConnectorLogger } from '../../../src/connector/connector.js';
import type { Member } from '../../../src/model/member.js';
import type { Workspace } from '../../../src/model/workspace.js';
import type { ReconcileRequest } from '../../../src/reconcile/reconcile-request.js';
import { reconcile } from '../../../src/reconcile/reconciler.js';
import { listMembers } from '../../../src/store/member-repository.js';
import { entraHarness } from '../../contract/entra-harness.js';
import { patchOp, scimClient, startTestGateway, type TestGateway } from '../../support/test-gateway.js';
import { DIALECTS, type TestDialect } from '../../support/test-store.js';

/**
 * The convergence property: whatever happens in the IdP (assignments, role and profile changes, users disabled,
 * deleted and recreated under the same name), whatever SCIM pushes in between, whatever the policy refuses (a credit
 * limit on a viewer, a full seat type), once the cause of every refusal is gone two incremental cycles leave the store
 * equal to the IdP after the policy, and a full read finds nothing left to change. Random sequences from fast-check
 * (a fixed seed; FC_SEED and FC_RUNS explore others), played against the fake Graph through the real Entra connector and a real
 * SCIM server. The deletion budget is off: holding a plan for approval is another rule, tested on its own.
 */
const quiet: ConnectorLogger = { debug() {}, info() {}, warn() {}, error() {} };
const B44 = 'urn:base44:params:scim:schemas:extension:user:2.0';
const ROLES = ['admin', 'editor', 'viewer'] as const;
type Role = (typeof ROLES)[number];
const SEED = Number(process.env.FC_SEED ?? 20261205);

/** One IdP user as the test knows it: what the IdP says now. */
interface ModelUser {
  id: string;
  userName: string;
  assigned: boolean;
  role: Role;
  credit: number | null;
  department: string;
  enabled: boolean;
}

type Step =
  | { kind: 'assign'; user: number; role: Role }
  | { kind: 'unassign'; user: number }
  | { kind: 'credit'; user: number; credit: number | null }
  | { kind: 'department'; user: number; department: string }
  | { kind: 'enabled'; user: number; enabled: boolean }
  | { kind: 'recreate'; user: number }
  | { kind: 'pushDepartment'; user: number; department: string }
  | { kind: 'pushRole'; user: number; role: Role }
  | { kind: 'pushActive'; user: number; active: boolean }
  | { kind: 'pushDelete'; user: number }
  | { kind: 'capacity'; seats: number }
  | { kind: 'cycle' };

const USERS = 5;
const user = fc.integer({ min: 0, max: USERS - 1 });
const role = fc.constantFrom(...ROLES);
const department = fc.constantFrom('Sales', 'Finance', 'Ops');
const step: fc.Arbitrary<Step> = fc.oneof(
  fc.record({ kind: fc.constant('assign' as const), user, role }),
  fc.record({ kind: fc.constant('unassign' as const), user }),
  fc.record({ kind: fc.constant('credit' as const), user, credit: fc.constantFrom(null, 100, 250) }),
  fc.record({ kind: fc.constant('department' as const), user, department }),
  fc.record({ kind: fc.constant('enabled' as const), user, enabled: fc.boolean() }),
  fc.record({ kind: fc.constant('recreate' as const), user }),
  fc.record({ kind: fc.constant('pushDepartment' as const), user, department }),
  fc.record({ kind: fc.constant('pushRole' as const), user, role }),
  fc.record({ kind: fc.constant('pushActive' as const), user, active: fc.boolean() }),
  fc.record({ kind: fc.constant('pushDelete' as const), user }),
  fc.record({ kind: fc.constant('capacity' as const), seats: fc.integer({ min: 0, max: USERS }) }),
  fc.constant({ kind: 'cycle' as const }),
);
const scenario = fc.record({
  version: fc.constantFrom('v1' as const, 'v2' as const),
  deprovision: fc.constantFrom('remove' as const, 'suspend' as const),
  seats: fc.integer({ min: 0, max: 3 }),
  initial: fc.array(fc.record({ assigned: fc.boolean(), role, credit: fc.constantFrom(null, 100) }), { minLength: USERS, maxLength: USERS }),
  steps: fc.array(step, { minLength: 3, maxLength: 14 }),
});

describe.each(DIALECTS)('convergence property on %s', (dialect: TestDialect) => {
  const h = entraHarness();
  let gw: TestGateway;
  let run = 0;
  beforeAll(async () => {
    await h.start();
    gw = await startTestGateway(dialect);
  });
  afterAll(async () => {
    await gw.close();
    await h.stop();
  });

  it('after the causes of refusals are gone, two incremental cycles leave the store equal to the IdP after the policy', async () => {
    await fc.assert(
      fc.asyncProperty(scenario, async ({ version, deprovision, seats, initial, steps }) => {
        h.reset();
        const workspaceId = `p${++run}`;
        const ws = await gw.workspace({ id: workspaceId, preset: version === 'v1' ? 'base44-v1' : 'base44-v2', policy: { deprovision, deletionBudget: { count: null, percent: null }, ...(version === 'v1' ? { seats: { builder: seats }, defaultSeatType: 'builder' } : {}) } });
        const scim = scimClient(gw.app, ws.base, ws.token);
        const mapping = (workspace: Workspace): Partial<BindingMapping> => ({
          roleValueMap: workspace.policy.roleValueMap,
          rolePrecedence: workspace.policy.rolePrecedence,
          ...(version === 'v2' ? { creditLimit: h.creditLimitSource } : {}),
          attributes: { department: h.departmentSource },
        });
        const cycle = (request: Partial<ReconcileRequest> = {}) =>
          reconcile(
            {
              store: gw.db.store,
              config: { connectors: [{ workspace: workspaceId, kind: 'entra', schedule: '* * * * *', settings: {} }] },
              log: quiet,
              clock: () => new Date(),
              connectorFor: async (workspace) => h.connector({ mapping: mapping(workspace) }),
            },
            { workspaceId, mode: 'auto', dryRun: false, trigger: 'cli', ...request },
          );
        const members = async (): Promise<Member[]> => (await listMembers(gw.db.store.db, workspaceId, undefined, { offset: 0, limit: 1000 })).members;
        const memberOf = async (u: ModelUser) => (await members()).find((m) => m.externalId === u.id);

        let generation = 0;
        const model: ModelUser[] = initial.map((init, k) => ({ id: `u${k}-g0`, userName: `user${k}@acme.example`, enabled: true, department: 'Sales', ...init }));
        const profile = (u: ModelUser) => ({ [h.departmentSource]: u.department, [h.creditLimitSource]: u.credit });
        for (const u of model) {
          h.addUser({ id: u.id, userName: u.userName, email: u.userName, givenName: 'Given', familyName: u.id, profile: profile(u) });
          if (u.assigned) h.assignUser(u.id, u.role);
        }
        const outcomes: string[] = [];
        const play = async (s: Step) => {
          if (s.kind === 'cycle') {
            const outcome = await cycle();
            outcomes.push(`${outcome.result}: ${outcome.message}`);
            expect(['applied', 'no_changes', 'drift'], outcome.message).toContain(outcome.result);
            return;
          }
          if (s.kind === 'capacity') {
            if (version === 'v1') await setSeats(workspaceId, s.seats);
            return;
          }
          const u = model[s.user]!;
          switch (s.kind) {
            case 'assign':
              if (u.assigned) h.unassignUser(u.id);
              h.assignUser(u.id, s.role);
              Object.assign(u, { assigned: true, role: s.role });
              return;
            case 'unassign':
              if (u.assigned) h.unassignUser(u.id);
              u.assigned = false;
              return;
            case 'credit':
              u.credit = s.credit;
              return h.updateUser(u.id, { profile: profile(u) });
            case 'department':
              u.department = s.department;
              return h.updateUser(u.id, { profile: profile(u) });
            case 'enabled':
              u.enabled = s.enabled;
              return h.updateUser(u.id, { active: s.enabled });
            case 'recreate': {
              // Deleted in the IdP and created again under the same userName: a new object id.
              h.deleteUser(u.id);
              u.id = `u${s.user}-g${++generation}`;
              u.enabled = true;
              h.addUser({ id: u.id, userName: u.userName, email: u.userName, givenName: 'Given', familyName: u.id, profile: profile(u) });
              if (u.assigned) h.assignUser(u.id, u.role);
              return;
            }
          }
          // SCIM pushes, by the workspace's key, to the member of that user if there is one: right or wrong, the IdP wins.
          const m = await memberOf(u);
          if (!m) return;
          const path = `/Users/${m.id}`;
          if (s.kind === 'pushDepartment') await scim.patch(path, patchOp({ op: 'replace', path: 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:department', value: s.department }));
          if (s.kind === 'pushRole' && version === 'v2') await scim.patch(path, patchOp({ op: 'replace', path: `${B44}:role`, value: s.role }));
          if (s.kind === 'pushActive') await scim.patch(path, patchOp({ op: 'replace', path: 'active', value: s.active }));
          if (s.kind === 'pushDelete') await scim.delete(path);
        };
        await cycle();
        for (const s of steps) await play(s);

        // The causes go: no credit limit on a viewer, enough seats, and no suspended member holding a userName the IdP
        // has given to a new user (an admin removes it).
        for (const u of model) {
          if (u.role === 'viewer' && u.credit !== null) {
            u.credit = null;
            h.updateUser(u.id, { profile: profile(u) });
          }
        }
        if (version === 'v1') await setSeats(workspaceId, USERS);
        for (const m of await members()) {
          const owner = model.find((u) => u.userName === m.userName.toLowerCase());
          if (owner && m.externalId !== owner.id) await scim.delete(`/Users/${m.id}`);
        }
        const settle = [await cycle(), await cycle()];
        const context = () => `${JSON.stringify({ version, deprovision, seats, initial, steps })}\n${[...outcomes, ...settle.map((o) => `${o.result}: ${o.message}`)].join('\n')}`;
        expect(settle[1]!.result, context()).toBe('no_changes');

        // The store equals the IdP after the policy.
        const stored = await members();
        for (const u of model) {
          const m = stored.find((x) => x.externalId === u.id);
          const wanted = u.assigned && (u.enabled || deprovision === 'suspend');
          if (!wanted) {
            if (m) expect(m.active, `${u.id} is not assigned or disabled\n${context()}`).toBe(false);
            continue;
          }
          expect(m, `${u.id} should be a member\n${context()}`).toBeDefined();
          expect(m, context()).toMatchObject({
            userName: u.userName,
            active: u.enabled,
            department: u.department,
            ...(version === 'v2' ? { role: u.role, creditLimit: u.credit, seatType: null } : { role: null, seatType: 'builder', creditLimit: null }),
          });
        }
        const unknown = stored.filter((m) => m.active && !model.some((u) => u.id === m.externalId));
        expect(unknown, context()).toEqual([]);
        // And a full read agrees: nothing to change, nothing out of line.
        expect(await cycle({ mode: 'full', dryRun: true }), context()).toMatchObject({ result: 'no_changes', drift: { count: 0 } });
      }),
      { seed: SEED, numRuns: Number(process.env.FC_RUNS ?? (dialect === 'sqlite' ? 30 : 12)), endOnFailure: true },
    );
  }, 600_000);

  /** The V1 builder capacity, as an admin raising or lowering the plan would set it. */
  async function setSeats(workspaceId: string, builder: number): Promise<void> {
    const { policy } = await gw.db.store.db.selectFrom('workspace').select('policy').where('id', '=', workspaceId).executeTakeFirstOrThrow();
    await gw.db.store.db.updateTable('workspace').set({ policy: JSON.stringify({ ...JSON.parse(policy), seats: { builder } }) }).where('id', '=', workspaceId).execute();
  }
});
