import { randomUUID } from 'node:crypto';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { BindingMapping } from '../../../src/connector/binding-mapping.js';
import type { ConnectorLogger } from '../../../src/connector/connector.js';
import type { Workspace } from '../../../src/model/workspace.js';
import type { Change } from '../../../src/model/plan.js';
import { reconcile } from '../../../src/reconcile/reconciler.js';
import { listGroups, membersOfGroups } from '../../../src/store/group-repository.js';
import { findMemberByExternalId, listMembers } from '../../../src/store/member-repository.js';
import { planChanges } from '../../../src/store/plan-repository.js';
import { findWorkspace } from '../../../src/store/workspace-repository.js';
import type { ConnectorHarness } from '../../contract/connector-harness.js';
import { entraHarness } from '../../contract/entra-harness.js';
import { OktaHarness } from '../../contract/okta-harness.js';
import { oktaId } from '../../fake/okta/okta-directory.js';
import { GROUP_SCHEMA, PATCH_SCHEMA, scimClient, startTestGateway, USER_SCHEMA, type TestGateway } from '../../support/test-gateway.js';
import { DIALECTS, type TestDialect } from '../../support/test-store.js';
import { ENTERPRISE_URN, type Scim } from '../scim/scim-kit.js';

/**
 * Convergence: one IdP state provisioned by push (the SCIM requests Entra or Okta sends for it,
 * through the real server with a real API key) and by pull (the real connector against the fake IdP, through the
 * reconciler) gives identical memberships; and after a push, a pull's dry run in the pushed workspace has nothing
 * to change.
 *
 * The externalId convention is the one the connectors use as their key (SnapshotMember.externalId):
 * - Entra: the user's object id. Entra's default attribute mapping sends mailNickname as externalId; a deployment
 *   that also pulls maps `objectId → externalId` in the app's attribute mappings (Users and Groups; the Groups
 *   mapping already has objectId → externalId by default).
 * - Okta: the Okta user id, which Okta's SCIM client always sends as externalId (quirk 2). Okta never sends an
 *   externalId for a pushed group.
 */
const quiet: ConnectorLogger = { debug() {}, info() {}, warn() {}, error() {} };
const PUSHED = 'pushed';
const PULLED = 'pulled';
const ADSCIM_GROUP_SCHEMA = 'http://schemas.microsoft.com/2006/11/ResourceManagement/ADSCIM/2.0/Group';

/** One person in the IdP, described once and turned into both the fake's directory and the SCIM bodies. */
interface Person {
  id: string;
  userName: string;
  email: string;
  givenName: string;
  familyName: string;
  displayName: string;
  /** The workspace role of the direct assignment; null = default access; undefined = not assigned directly. */
  role?: Role | null;
  creditLimit?: number;
  department?: string;
  /** false: disabled in Entra (accountEnabled=false), suspended in Okta. */
  active: boolean;
}

type Role = 'admin' | 'editor' | 'viewer';

interface IdpGroup {
  id: string;
  displayName: string;
  /** Workspace role of the group's assignment. */
  role: Role;
  members: Person[];
}

interface IdpState {
  people: Person[];
  group: IdpGroup;
}

/**
 * The app-role value the IdP holds for a workspace role: Entra app roles as an admin defines them (value "Admin",
 * mapped by the workspace's roleValueMap on both ways), Okta's app-profile `role` enum as the workspace's own words.
 */
const idpRole = (kind: 'entra' | 'okta', role: Role | null): string | null => (role === null || kind === 'okta' ? role : role[0]!.toUpperCase() + role.slice(1));

function stateFor(kind: 'entra' | 'okta'): IdpState {
  const userId = () => (kind === 'entra' ? randomUUID() : oktaId('00u'));
  const domain = kind === 'entra' ? 'contoso.example' : 'northwind.example';
  const person = (p: Omit<Person, 'id' | 'active'> & { active?: boolean }): Person => ({ id: userId(), active: true, ...p });
  const ada = person({ userName: `ada@${domain}`, email: `ada.lovelace@${domain}`, givenName: 'Ada', familyName: 'Lovelace', displayName: 'Ada Lovelace (Ops)', role: 'admin', creditLimit: 250, department: 'Operations' });
  const ben = person({ userName: `ben@${domain}`, email: `ben@${domain}`, givenName: 'Ben', familyName: 'Okafor', displayName: 'Ben Okafor', role: 'editor', creditLimit: 100, department: 'Engineering' });
  const cleo = person({ userName: `cleo@${domain}`, email: `cleo@${domain}`, givenName: 'Cleo', familyName: 'Park', displayName: 'Cleo Park', role: 'viewer', department: 'Support' });
  const dev = person({ userName: `dev@${domain}`, email: `dev@${domain}`, givenName: 'Dev', familyName: 'Sharma', displayName: 'Dev Sharma', role: null });
  const eve = person({ userName: `eve@${domain}`, email: `eve@${domain}`, givenName: 'Eve', familyName: 'Martin', displayName: 'Eve Martin', role: 'editor', department: 'Finance', active: false });
  const finn = person({ userName: `finn@${domain}`, email: `finn@${domain}`, givenName: 'Finn', familyName: 'Weber', displayName: 'Finn Weber', department: 'Design' });
  const gia = person({ userName: `gia@${domain}`, email: `gia@${domain}`, givenName: 'Gia', familyName: 'Rossi', displayName: 'Gia Rossi' });
  return {
    people: [ada, ben, cleo, dev, eve, finn, gia],
    group: { id: kind === 'entra' ? randomUUID() : oktaId('00g'), displayName: 'Design Team', role: 'editor', members: [finn, gia] },
  };
}

/** The IdP state in the fake, through the harness (Graph user / Okta user + app assignments). */
function seed(h: ConnectorHarness, state: IdpState): void {
  for (const p of state.people) {
    h.addUser({
      id: p.id,
      userName: p.userName,
      givenName: p.givenName,
      familyName: p.familyName,
      email: p.email,
      active: p.active,
      profile: {
        displayName: p.displayName,
        ...(p.department !== undefined ? { [h.departmentSource]: p.department } : {}),
        ...(p.creditLimit !== undefined ? { [h.creditLimitSource]: p.creditLimit } : {}),
      },
    });
    if (p.role !== undefined) h.assignUser(p.id, idpRole(h.kind, p.role));
  }
  h.addGroup(state.group.id, state.group.displayName, state.group.members.map((p) => p.id));
  h.assignGroup(state.group.id, idpRole(h.kind, state.group.role));
}

/** The person's workspace role: the direct assignment's, else the assigned group's; null = default access. */
const roleOf = (state: IdpState, p: Person): Role | null => (p.role !== undefined ? p.role : state.group.members.includes(p) ? state.group.role : null);

async function ok(response: Awaited<ReturnType<Scim['get']>>, status: number, what: string) {
  expect(response.status, `${what}: ${JSON.stringify(response.body)}`).toBe(status);
  return response.body;
}

/**
 * What Entra's provisioning service sends for this state: a userName lookup, then a
 * create with the enterprise extension, client meta and `roles` from SingleAppRoleAssignment([appRoleAssignments])
 * → roles[primary eq "True"].value (`roles: []` for default access); a disabled user is created, then disabled
 * with the un-flagged `"False"` string; the group is matched by displayName, created with its object id and the
 * ADSCIM schema, and filled with one Add of members with `"$ref": null`.
 */
async function pushEntra(scim: Scim, ws: Workspace, state: IdpState): Promise<void> {
  const ids = new Map<string, string>();
  for (const p of state.people) {
    const lookup = await ok(await scim.get(`/Users?filter=${encodeURIComponent(`userName eq "${p.userName}"`)}`), 200, `lookup ${p.userName}`);
    expect(lookup.totalResults).toBe(0);
    const role = idpRole('entra', roleOf(state, p));
    const body: Record<string, unknown> = {
      schemas: [USER_SCHEMA, ENTERPRISE_URN, ws.extensionUrn],
      externalId: p.id,
      userName: p.userName,
      active: true,
      displayName: p.displayName,
      emails: [{ primary: true, type: 'work', value: p.email }],
      meta: { resourceType: 'User' },
      name: { formatted: `${p.givenName} ${p.familyName}`, familyName: p.familyName, givenName: p.givenName },
      roles: role === null ? [] : [{ primary: true, type: 'WindowsAzureActiveDirectoryRole', value: role }],
      addresses: null,
      ...(p.department !== undefined ? { [ENTERPRISE_URN]: { department: p.department } } : {}),
      ...(p.creditLimit !== undefined ? { [ws.extensionUrn]: { creditLimit: p.creditLimit } } : {}),
    };
    const created = await ok(await scim.post('/Users', body), 201, `create ${p.userName}`);
    ids.set(p.id, created.id as string);
    if (!p.active) {
      await ok(await scim.patch(`/Users/${created.id}`, { schemas: [PATCH_SCHEMA], Operations: [{ op: 'Replace', path: 'active', value: 'False' }] }), 200, `disable ${p.userName}`);
    }
  }
  const { group } = state;
  const match = await ok(await scim.get(`/Groups?filter=${encodeURIComponent(`displayName eq "${group.displayName}"`)}&excludedAttributes=members`), 200, 'match group');
  expect(match.totalResults).toBe(0);
  const created = await ok(
    await scim.post('/Groups', { schemas: [GROUP_SCHEMA, ADSCIM_GROUP_SCHEMA], externalId: group.id, displayName: group.displayName, meta: { resourceType: 'Group' } }),
    201,
    'create group',
  );
  const add = { schemas: [PATCH_SCHEMA], Operations: [{ op: 'Add', path: 'members', value: group.members.map((p) => ({ $ref: null, value: ids.get(p.id) })) }] };
  expect((await scim.patch(`/Groups/${created.id}`, add)).status).toBe(204);
}

/**
 * What Okta's SCIM client sends: a paged userName lookup, then a create as
 * application/json with password, groups: [], locale and the Okta user id as externalId; app-profile attributes
 * in Okta's default namespace (top level: role, creditLimit) and department in the enterprise namespace. The
 * suspended user is turned off the App Integration Wizard way: GET, then a PUT of the whole object with
 * active: false (and `display` in its emails, as Okta's PUTs carry). Push Groups: a create with `members: []` (no externalId), then the rename-with-id op Okta
 * re-sends plus an add of members with value and display.
 */
async function pushOkta(scim: Scim, state: IdpState): Promise<void> {
  const ids = new Map<string, string>();
  for (const p of state.people) {
    const lookup = await ok(await scim.get(`/Users?filter=${encodeURIComponent(`userName eq "${p.userName}"`)}&startIndex=1&count=100`), 200, `lookup ${p.userName}`);
    expect(lookup.totalResults).toBe(0);
    const role = idpRole('okta', roleOf(state, p));
    const body: Record<string, unknown> = {
      schemas: [USER_SCHEMA, ...(p.department !== undefined ? [ENTERPRISE_URN] : [])],
      userName: p.userName,
      name: { givenName: p.givenName, familyName: p.familyName },
      emails: [{ primary: true, value: p.email, type: 'work' }],
      displayName: p.displayName,
      locale: 'en-US',
      externalId: p.id,
      groups: [],
      password: 'Xq4!vN8s2p',
      active: true,
      ...(role !== null ? { role } : {}),
      ...(p.creditLimit !== undefined ? { creditLimit: p.creditLimit } : {}),
      ...(p.department !== undefined ? { [ENTERPRISE_URN]: { department: p.department } } : {}),
    };
    const created = await ok(await scim.post('/Users', body), 201, `create ${p.userName}`);
    ids.set(p.id, created.id as string);
    if (!p.active) {
      const current = await ok(await scim.get(`/Users/${created.id}`), 200, `get ${p.userName}`);
      // As in the replays: the whole object back, with id, meta, groups, the password and emails[].display.
      const emails = [{ primary: true, value: p.email, type: 'work', display: p.email }];
      const put = { ...body, id: current.id, emails, meta: { resourceType: 'User' }, groups: [], active: false };
      await ok(await scim.put(`/Users/${created.id}`, put), 200, `deactivate ${p.userName}`);
    }
  }
  const { group } = state;
  const created = await ok(await scim.post('/Groups', { schemas: [GROUP_SCHEMA], displayName: group.displayName, members: [] }), 201, 'create group');
  const patch = {
    schemas: [PATCH_SCHEMA],
    Operations: [
      { op: 'replace', value: { id: created.id, displayName: group.displayName } },
      { op: 'add', path: 'members', value: group.members.map((p) => ({ value: ids.get(p.id), display: p.userName })) },
    ],
  };
  expect((await scim.patch(`/Groups/${created.id}`, patch)).status).toBe(204);
}

/** What both ways carry, per member (by userName), and the groups as displayName → member userNames. */
async function memberships(gw: TestGateway, workspaceId: string) {
  const { members } = await listMembers(gw.db.store.db, workspaceId, undefined, { offset: 0, limit: 1000 });
  const userNameOf = new Map(members.map((m) => [m.id, m.userName]));
  const { groups } = await listGroups(gw.db.store.db, workspaceId, undefined, { offset: 0, limit: 1000 });
  const groupMembers = await membersOfGroups(gw.db.store.db, groups.map((g) => g.id));
  return {
    members: members
      .map((m) => ({
        userName: m.userName,
        externalId: m.externalId,
        active: m.active,
        displayName: m.displayName,
        givenName: m.givenName,
        familyName: m.familyName,
        // value, type and primary: what a pull reads (Okta's PUT also stores `display`, which no pull carries).
        emails: (m.emails as { value?: unknown; type?: unknown; primary?: unknown }[] | null)?.map(({ value, type, primary }) => ({ value, type, primary })) ?? null,
        role: m.role,
        creditLimit: m.creditLimit,
        seatType: m.seatType,
        department: m.department,
      }))
      .sort((a, b) => (a.userName < b.userName ? -1 : 1)),
    groups: groups
      .map((g) => ({ displayName: g.displayName, members: (groupMembers.get(g.id) ?? []).map((m) => userNameOf.get(m.value)!).sort() }))
      .sort((a, b) => (a.displayName < b.displayName ? -1 : 1)),
  };
}

const cases = DIALECTS.flatMap((dialect) => [entraHarness(), new OktaHarness()].map((h) => ({ dialect, h, name: `${h.kind} on ${dialect}` })));

describe.each(cases)('push and pull converge: $name', ({ dialect, h }: { dialect: TestDialect; h: ConnectorHarness }) => {
  let gw: TestGateway;
  beforeAll(() => h.start());
  afterAll(() => h.stop());
  beforeEach(async () => {
    h.reset();
    gw = await startTestGateway(dialect);
  });
  afterEach(() => gw.close());

  /**
   * Entra: the multitenant-app-roles preset (roles[primary eq "True"].value, the app-role values Admin/Editor/
   * Viewer mapped by the workspace). Okta: a plain V2 workspace (role and creditLimit in its extension, or top level).
   */
  const workspaceInput = (id: string) => (h.kind === 'entra' ? { id, preset: 'multitenant-app-roles' } : { id, version: 'v2' as const });

  /** The binding as the registry builds it: the workspace's role vocabulary plus the IdP's attribute paths. */
  const mappingFor = (workspace: Workspace): Partial<BindingMapping> => ({
    roleValueMap: workspace.policy.roleValueMap,
    rolePrecedence: workspace.policy.rolePrecedence,
    creditLimit: h.creditLimitSource,
    attributes: { department: h.departmentSource },
  });
  const run = (workspaceId: string, dryRun: boolean) =>
    reconcile(
      {
        store: gw.db.store,
        config: { connectors: [PUSHED, PULLED].map((workspace) => ({ workspace, kind: h.kind, schedule: '* * * * *', settings: {} })) },
        log: quiet,
        clock: () => new Date(),
        connectorFor: async (workspace) => h.connector({ mapping: mappingFor(workspace) }),
      },
      { workspaceId, mode: 'full', dryRun, trigger: 'cli' },
    );
  const changesOf = async (planId: string | null): Promise<Change[]> => {
    const out: Change[] = [];
    if (planId === null) return out;
    for await (const page of planChanges(gw.db.store.db, planId)) out.push(...page);
    return out;
  };

  /** Workspace A: the IdP state pushed as the IdP's SCIM client would, over the real server with a real key. */
  async function push(state: IdpState): Promise<void> {
    const ws = await gw.workspace(workspaceInput(PUSHED));
    const scim = scimClient(gw.app, ws.base, ws.token, h.kind === 'okta' ? { contentType: 'application/json' } : {});
    if (h.kind === 'entra') await pushEntra(scim, (await findWorkspace(gw.db.store.db, PUSHED))!, state);
    else await pushOkta(scim, state);
  }

  it('the same IdP state pushed over SCIM and pulled by the connector gives identical memberships', async () => {
    const state = stateFor(h.kind);
    seed(h, state);
    await push(state);

    // Workspace B: pulled and applied.
    await gw.workspace(workspaceInput(PULLED));
    const pulled = await run(PULLED, false);
    expect(pulled, pulled.message).toMatchObject({ result: 'applied', complete: true, membersRead: state.people.length });
    expect(pulled.summary.skip, JSON.stringify(await changesOf(pulled.planId))).toBe(0);

    const a = await memberships(gw, PUSHED);
    const b = await memberships(gw, PULLED);
    // The state is the one the test meant to build, so an empty or one-sided comparison cannot pass.
    const expected = [...state.people].sort((x, y) => (x.userName < y.userName ? -1 : 1));
    expect(a.members.map((m) => [m.userName, m.role, m.active, m.creditLimit, m.department])).toEqual(
      expected.map((p) => [p.userName, roleOf(state, p) ?? 'viewer', p.active, p.creditLimit ?? null, p.department ?? null]),
    );
    expect(a.groups).toEqual([{ displayName: state.group.displayName, members: state.group.members.map((p) => p.userName).sort() }]);
    // Field by field; null is not absent, and key order inside an email is not significant.
    expect(b).toEqual(a);
  });

  it('after a push then a pull, a dry run of the pull in the pushed workspace has nothing to change', async () => {
    const state = stateFor(h.kind);
    seed(h, state);
    await push(state);

    // The first pull changes no field: it only links each pushed member (same externalId) to the binding.
    const first = await run(PUSHED, false);
    expect(first, first.message).toMatchObject({ result: 'applied', complete: true });
    const links = await changesOf(first.planId);
    expect(links.map((c) => ({ action: c.action, kind: c.kind, key: c.key, before: c.before, after: c.after, managedBy: c.managedBy }))).toEqual(
      [...state.people]
        .sort((x, y) => (x.userName < y.userName ? -1 : 1))
        .map((p) => ({ action: 'update', kind: 'member', key: p.userName, before: { managedBy: null }, after: { managedBy: h.kind }, managedBy: h.kind })),
    );
    for (const link of links) expect(link.reason).toMatch(new RegExp(`^linked to connector ${h.kind} \\(was written by key:\\S+\\)$`));
    expect(first.summary).toEqual({ create: 0, update: state.people.length, deactivate: 0, reactivate: 0, remove: 0, skip: 0 });

    const dry = await run(PUSHED, true);
    const planned = await changesOf(dry.planId);
    expect(
      planned.map((c) => ({ action: c.action, kind: c.kind, key: c.key, before: c.before, after: c.after, reason: c.reason })),
      dry.message,
    ).toEqual([]);
    expect(dry).toMatchObject({ result: 'no_changes', complete: true, membersRead: state.people.length });
    expect(dry.summary).toEqual({ create: 0, update: 0, deactivate: 0, reactivate: 0, remove: 0, skip: 0 });
  });

  it('a pushed member linked by the pull is deprovisioned by a later pull once the IdP unassigns it', async () => {
    const state = stateFor(h.kind);
    seed(h, state);
    await push(state);
    const [ada, ben] = state.people;
    const before = await memberships(gw, PUSHED);

    expect(await run(PUSHED, false)).toMatchObject({ result: 'applied', summary: { update: state.people.length } });
    // Linking wrote no field: the memberships are what the push made.
    expect(await memberships(gw, PUSHED)).toEqual(before);
    const linked = await findMemberByExternalId(gw.db.store.db, PUSHED, ben!.id);
    expect(linked).toMatchObject({ managedBy: h.kind, lastSource: `connector:${h.kind}`, active: true });
    // Which source wrote each field stays the push's: the link changed none.
    const { members } = await listMembers(gw.db.store.db, PUSHED, undefined, { offset: 0, limit: 100, fieldSources: true });
    expect(members.find((m) => m.id === linked!.id)!.fieldSources?.userName).toMatch(/^key:/);

    h.unassignUser(ben!.id);
    const next = await run(PUSHED, false);
    expect(next, next.message).toMatchObject({ result: 'applied', summary: { deactivate: 1 } });
    expect((await findMemberByExternalId(gw.db.store.db, PUSHED, ben!.id))?.active).toBe(false);
    expect((await findMemberByExternalId(gw.db.store.db, PUSHED, ada!.id))?.active).toBe(true);
  });
});
