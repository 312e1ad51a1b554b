import { performance } from 'node:perf_hooks';
import { DEFAULT_ACCESS_ROLE_ID, FakeGraph } from '../../test/fake/graph/index.js';
import { readCert } from '../../test/fake/graph/self-signed-cert.js';
import { FakeOktaServer } from '../../test/fake/okta/index.js';
import { processStats, serve, type ProcessStats } from './ipc.js';
import { APP_ROLES, CHANGED_CREDIT_LIMIT, CHANGED_DEPARTMENT, changePlan, groupId, groupRole, makePlan, planUser, userId, type ChangePlan, type Idp, type Plan } from './plan.js';

/**
 * Child process of the connector benchmark: one fake IdP (FakeGraph over HTTPS, or FakeOktaServer over HTTP),
 * seeded straight through its directory API with the plan's users, serving on 127.0.0.1 until the parent
 * disconnects. Between the connector's cycles the parent asks it to change users.
 */
export interface StartRequest {
  idp: Idp;
  members: number;
  /** Entra: the directory with cert.pem and key.pem (the client process trusts cert.pem). */
  certDir?: string;
}

export type Target =
  | { idp: 'entra'; origin: string; tenantId: string; clientId: string; clientSecret: string; servicePrincipalId: string }
  | { idp: 'okta'; origin: string; apiToken: string; appId: string };

export interface StartResult {
  target: Target;
  seedSeconds: number;
  /** Users in the directory (assigned and not). */
  users: number;
}

export interface FakeStats extends ProcessStats {
  /** API requests served so far (Entra: token endpoint calls not counted). */
  requests: number;
}

let graph: FakeGraph | null = null;
let okta: FakeOktaServer | null = null;
let plan: Plan | null = null;

function seedEntra(p: Plan, certDir: string): FakeGraph {
  const fake = new FakeGraph({ cert: readCert(certDir) });
  const dir = fake.directory;
  const roleIds = new Map(APP_ROLES.map((value) => [value, dir.appRole(value, value).id]));
  const total = p.members + p.unassigned;
  for (let i = 0; i < total; i++) {
    const u = planUser(p, i);
    dir.addUser({
      id: userId('entra', i),
      userPrincipalName: `user${i}@bench.example.com`,
      mail: `user${i}@bench.example.com`,
      givenName: `Given${i}`,
      surname: `Family${i}`,
      displayName: `Given${i} Family${i}`,
      department: u.department,
      jobTitle: 'Engineer',
      preferredLanguage: 'en-US',
      onPremisesExtensionAttributes: { extensionAttribute1: String(u.creditLimit) },
    });
  }
  for (let g = 0; g < p.groups; g++) dir.addGroup(groupId('entra', g), `Bench group ${g}`);
  for (let i = 0; i < p.members; i++) {
    const u = planUser(p, i);
    const id = userId('entra', i);
    if (u.group !== null) dir.addGroupMember(groupId('entra', u.group), { id, type: 'user' });
    if (u.directRole !== undefined) dir.assign(id, 'User', u.directRole === null ? DEFAULT_ACCESS_ROLE_ID : roleIds.get(u.directRole)!);
  }
  for (let g = 0; g < p.groups; g++) dir.assign(groupId('entra', g), 'Group', roleIds.get(groupRole(g))!);
  // An app-only grant to a daemon: listed in appRoleAssignedTo, never a member.
  const daemon = 'b2000000-0000-4000-8000-000000000001';
  dir.addOtherObject(daemon, 'Bench daemon', 'servicePrincipal');
  dir.assign(daemon, 'ServicePrincipal', roleIds.get('Viewer')!);
  return fake;
}

function seedOkta(p: Plan): FakeOktaServer {
  const fake = new FakeOktaServer();
  const dir = fake.directory;
  // Bulk load without System Log events (see test/fake/okta/index.ts); on again before the connector runs.
  dir.recordEvents = false;
  const total = p.members + p.unassigned;
  for (let i = 0; i < total; i++) {
    const u = planUser(p, i);
    dir.addUser({
      id: userId('okta', i),
      login: `user${i}@bench.example.com`,
      email: `user${i}@bench.example.com`,
      firstName: `Given${i}`,
      lastName: `Family${i}`,
      profile: { department: u.department, title: 'Engineer', preferredLanguage: 'en-US' },
      // What the app's profile mappings push for the user (an app-user attribute, number-typed).
      appProfile: { creditLimit: u.creditLimit },
    });
  }
  const members: string[][] = Array.from({ length: p.groups }, () => []);
  for (let i = 0; i < p.members; i++) {
    const u = planUser(p, i);
    if (u.group !== null) members[u.group]!.push(userId('okta', i));
    if (u.directRole !== undefined) dir.assignUser(userId('okta', i), u.directRole === null ? {} : { role: u.directRole });
  }
  for (let g = 0; g < p.groups; g++) {
    dir.addGroup({ id: groupId('okta', g), name: `Bench group ${g}`, memberIds: members[g]! });
    dir.assignGroup(groupId('okta', g), { role: groupRole(g) }, g);
  }
  dir.recordEvents = true;
  return fake;
}

serve({
  async start(req: StartRequest): Promise<StartResult> {
    plan = makePlan(req.members);
    const started = performance.now();
    let target: Target;
    if (req.idp === 'entra') {
      if (!req.certDir) throw new Error('entra needs certDir');
      graph = seedEntra(plan, req.certDir);
      await graph.start();
      target = {
        idp: 'entra',
        origin: graph.origin,
        tenantId: graph.tenantId,
        clientId: graph.clientId,
        clientSecret: graph.clientSecret,
        servicePrincipalId: graph.directory.servicePrincipal.id,
      };
    } else {
      okta = seedOkta(plan);
      await okta.start();
      target = { idp: 'okta', origin: okta.origin, apiToken: okta.apiToken, appId: okta.directory.app.id };
    }
    return { target, seedSeconds: (performance.now() - started) / 1000, users: plan.members + plan.unassigned };
  },

  stats(): FakeStats {
    return { ...processStats(), requests: graph ? graph.requestCount() : (okta?.requestCount ?? 0) };
  },

  /** Update half, unassign a quarter, delete a quarter of `count` directly assigned users. */
  change(req: { count: number }): ChangePlan {
    if (!plan) throw new Error('start first');
    const planned = changePlan(plan, req.count);
    if (graph) {
      const dir = graph.directory;
      for (const i of planned.updated) {
        dir.updateUser(userId('entra', i), { department: CHANGED_DEPARTMENT, onPremisesExtensionAttributes: { extensionAttribute1: String(CHANGED_CREDIT_LIMIT) } });
      }
      for (const i of planned.unassigned) dir.unassign(userId('entra', i));
      // To deletedItems (restorable): /users/delta reports `@removed: { reason: "changed" }`.
      for (const i of planned.deleted) dir.softDeleteUser(userId('entra', i));
    } else if (okta) {
      const dir = okta.directory;
      for (const i of planned.updated) dir.updateUser(userId('okta', i), { profile: { department: CHANGED_DEPARTMENT }, appProfile: { creditLimit: CHANGED_CREDIT_LIMIT } });
      for (const i of planned.unassigned) dir.unassignUser(userId('okta', i));
      // Deactivation: Okta's soft state before a hard delete; app access ends, the user stays readable.
      for (const i of planned.deleted) dir.setStatus(userId('okta', i), 'DEPROVISIONED');
    } else throw new Error('start first');
    return planned;
  },
});
