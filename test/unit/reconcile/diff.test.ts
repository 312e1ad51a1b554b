import { describe, expect, it } from 'vitest';
import type { RemovedMember, SnapshotMember } from '../../../src/connector/snapshot-member.js';
import type { Group } from '../../../src/model/group.js';
import { emptyMemberFields, type Member } from '../../../src/model/member.js';
import { workspacePolicySchema, type WorkspacePolicyInput } from '../../../src/model/workspace-policy.js';
import type { Workspace } from '../../../src/model/workspace.js';
import { diff, type DiffInput } from '../../../src/reconcile/diff.js';
import type { DiffOptions } from '../../../src/reconcile/differ.js';

/** The pull diff on built snapshots: pure, so every rule is checked without an IdP or a database. */
const workspace = (policy: WorkspacePolicyInput = {}, version: 'v1' | 'v2' = 'v2'): Workspace => ({
  id: 'acme',
  name: 'Acme',
  version,
  extensionUrn: 'urn:ext',
  policy: workspacePolicySchema.parse(policy),
  revision: 7,
  createdAt: '',
  updatedAt: '',
});

const idp = (n: number, overrides: Partial<SnapshotMember> = {}): SnapshotMember => ({
  externalId: `x-${n}`,
  userName: `user${n}@acme.test`,
  active: true,
  displayName: `User ${n}`,
  givenName: 'User',
  familyName: String(n),
  emails: [{ value: `user${n}@acme.test`, type: 'work', primary: true }],
  roles: ['editor'],
  creditLimit: null,
  seatType: null,
  attributes: {},
  grants: [{ via: 'direct', appRole: 'editor' }],
  ...overrides,
});

/** A stored member exactly as the pull of idp(n) would have written it, then overridden. */
const stored = (n: number, overrides: Partial<Member> = {}): Member => ({
  ...emptyMemberFields(`user${n}@acme.test`),
  externalId: `x-${n}`,
  displayName: `User ${n}`,
  givenName: 'User',
  familyName: String(n),
  emails: [{ value: `user${n}@acme.test`, type: 'work', primary: true }],
  role: 'editor',
  id: `m-${n}`,
  workspaceId: 'acme',
  accountId: `a-${n}`,
  owner: false,
  lastSource: 'connector:entra',
  managedBy: 'entra',
  version: 3,
  syncedVersion: 3,
  createdAt: '',
  updatedAt: '',
  ...overrides,
});

const group = (id: string, externalId: string | null, displayName: string, managedBy: string | null = 'entra'): Group => ({
  id,
  workspaceId: 'acme',
  externalId,
  displayName,
  appName: displayName,
  lastSource: 'connector:entra',
  managedBy,
  version: 1,
  createdAt: '',
  updatedAt: '',
});

function run(
  entries: (SnapshotMember | RemovedMember)[],
  members: Member[],
  options: { ws?: Workspace; complete?: boolean; full?: boolean; groups?: Group[]; groupsOf?: Map<string, Set<string>>; seats?: Record<string, number> } = {},
) {
  let next = 0;
  const opts: DiffOptions = { workspace: options.ws ?? workspace(), binding: 'entra', seatsInUse: options.seats ?? {}, groups: options.groups ?? [], newId: () => `new-${++next}` };
  const input: DiffInput = {
    snapshot: { entries, complete: options.complete ?? true, full: options.full ?? true, problems: options.complete === false ? ['page 3 failed: 500'] : [] },
    store: { members, groupsOf: options.groupsOf ?? new Map() },
    plan: { workspaceId: 'acme', source: 'connector:entra', basis: 7, now: '2026-11-23T00:00:00.000Z', id: 'plan-1' },
  };
  return diff(input, opts);
}

const brief = (plan: ReturnType<typeof run>) => plan.changes.map((c) => `${c.kind}:${c.action}:${c.key}`);

describe('diff', () => {
  it('creates new members with every field the IdP gives and the workspace role rules', () => {
    const plan = run([idp(1, { roles: ['viewer', 'admin'] }), idp(2, { roles: [] })], []);
    expect(brief(plan)).toEqual(['member:create:user1@acme.test', 'member:create:user2@acme.test']);
    // The workspace's precedence picks admin over viewer; no role falls back to the workspace default.
    expect(plan.changes[0]!.after).toMatchObject({ externalId: 'x-1', role: 'admin', active: true, emails: [{ value: 'user1@acme.test', type: 'work', primary: true }] });
    expect(plan.changes[1]!.after).toMatchObject({ role: 'viewer' });
    expect(plan.changes[0]!.managedBy).toBe('entra');
    expect(plan).toMatchObject({ id: 'plan-1', basis: 7, summary: { create: 2 } });
    expect(JSON.parse(JSON.stringify(plan))).toEqual(plan);
  });

  it('updates only the fields that differ, with before and after, and keeps what the binding does not map', () => {
    const plan = run([idp(1, { roles: ['admin'], attributes: { department: 'Finance' } })], [stored(1, { department: 'Sales', title: 'Pushed title' })]);
    expect(plan.changes).toHaveLength(1);
    expect(plan.changes[0]).toMatchObject({ action: 'update', targetId: 'm-1', version: 3, before: { role: 'editor', department: 'Sales' }, after: { role: 'admin', department: 'Finance' } });
    expect(plan.changes[0]!.after).not.toHaveProperty('title');
  });

  it('has nothing to say about a member that already matches', () => {
    expect(run([idp(1)], [stored(1)]).changes).toEqual([]);
  });

  it('deactivates (suspend) or removes (remove) the binding\'s members the IdP no longer lists, and reactivates returning ones', () => {
    const members = [stored(1), stored(2), stored(3, { active: false }), stored(4, { managedBy: null })];
    const suspend = run([idp(1), idp(3)], members);
    // Deprovisions first: what they free is free for the creates and updates after them.
    expect(brief(suspend)).toEqual(['member:deactivate:user2@acme.test', 'member:reactivate:user3@acme.test']);
    expect(suspend.changes[0]).toMatchObject({ before: { active: true }, after: { active: false }, reason: 'no longer assigned in the IdP' });
    // Member 4 was pushed (not managed by this binding): a pull never deprovisions it.
    const remove = run([idp(1), idp(3)], members, { ws: workspace({ deprovision: 'remove' }) });
    expect(brief(remove)).toEqual(['member:remove:user2@acme.test', 'member:reactivate:user3@acme.test']);
  });

  it('a user disabled in the IdP is deactivated the workspace\'s way', () => {
    expect(brief(run([idp(1, { active: false })], [stored(1)]))).toEqual(['member:deactivate:user1@acme.test']);
    expect(brief(run([idp(1, { active: false })], [stored(1)], { ws: workspace({ deprovision: 'remove' }) }))).toEqual(['member:remove:user1@acme.test']);
  });

  it('an incremental read deprovisions the members it reports gone, and nobody else', () => {
    const plan = run([{ externalId: 'x-2', removed: true, reason: 'deleted' }], [stored(1), stored(2)], { full: false });
    expect(brief(plan)).toEqual(['member:deactivate:user2@acme.test']);
    expect(plan.changes[0]!.reason).toBe('deleted in the IdP');
  });

  it('an incomplete read deactivates and removes nobody, and the plan says why', () => {
    const full = run([idp(1, { roles: ['admin'] })], [stored(1), stored(2)], { complete: false });
    expect(brief(full)).toEqual(['member:update:user1@acme.test']);
    expect(full.warnings).toEqual(['the IdP read was incomplete: page 3 failed: 500; no member is deactivated or removed in this plan']);
    const incremental = run([{ externalId: 'x-2', removed: true, reason: 'unassigned' }], [stored(2)], { complete: false, full: false });
    expect(incremental.changes).toEqual([]);
  });

  it('owners stay untouched: the change is a skip that says to use the CLI', () => {
    const plan = run([idp(1, { roles: ['admin'] })], [stored(1, { owner: true }), stored(2, { owner: true })]);
    expect(brief(plan)).toEqual(['member:skip:user1@acme.test', 'member:skip:user2@acme.test']);
    expect(plan.changes[0]!.reason).toContain('rosterd members set-owner acme user1@acme.test --unset');
    expect(plan.changes[1]!.reason).toMatch(/^no longer assigned in the IdP, but member "user2@acme.test" is an owner/);
  });

  it('policy refusals stay in the plan as skips with the policy\'s reason', () => {
    const plan = run([idp(1, { roles: ['viewer'], creditLimit: 100 }), idp(2, { roles: ['owner'] })], []);
    expect(brief(plan)).toEqual(['member:skip:user1@acme.test', 'member:skip:user2@acme.test']);
    expect(plan.changes[0]!.reason).toContain('creditLimit applies only to admin and editor');
    expect(plan.changes[1]!.reason).toContain('role "owner" cannot be assigned through SCIM');
    expect(plan.summary).toMatchObject({ create: 0, skip: 2 });
  });

  it('a full V1 seat type refuses the next member, carried across the whole plan', () => {
    const ws = workspace({ seats: { builder: 3 }, defaultSeatType: 'builder' }, 'v1');
    const v1 = (n: number) => idp(n, { roles: [], grants: [{ via: 'direct', appRole: null }] });
    const plan = run([v1(1), v1(2), v1(3)], [], { ws, seats: { builder: 1 } });
    expect(brief(plan)).toEqual(['member:create:user1@acme.test', 'member:create:user2@acme.test', 'member:skip:user3@acme.test']);
    expect(plan.changes[0]!.after).toMatchObject({ seatType: 'builder', role: null });
    expect(plan.changes.find((c) => c.action === 'skip')!.reason).toContain('no builder seats left');
  });

  it('refuses a role that is not a role of the workspace, and says so in the skip', () => {
    const plan = run([idp(1, { roles: ['superuser'] })], []);
    expect(brief(plan)).toEqual(['member:skip:user1@acme.test']);
    expect(plan.changes[0]!.reason).toBe(
      'refused by the workspace policy: role "superuser" is not a role of workspace "acme": send admin, editor, viewer, or map "superuser" in the workspace\'s roleValueMap',
    );
    // The same for a member the binding already has: the role is not changed, the rest of the member is not touched.
    const update = run([idp(1, { roles: ['superuser'], attributes: { department: 'Finance' } })], [stored(1)]);
    expect(brief(update)).toEqual(['member:skip:user1@acme.test']);
    expect(update.changes[0]!.reason).toContain('role "superuser" is not a role of workspace "acme"');
  });

  it('links a pushed member (same externalId, no binding yet) to the binding, visibly, even when nothing else differs', () => {
    const pushed = stored(1, { managedBy: null, lastSource: 'key:k1' });
    const plan = run([idp(1)], [pushed]);
    expect(plan.changes).toEqual([
      {
        action: 'update',
        kind: 'member',
        key: 'user1@acme.test',
        targetId: 'm-1',
        before: { managedBy: null },
        after: { managedBy: 'entra' },
        reason: 'linked to connector entra (was written by key:k1)',
        version: 3,
        managedBy: 'entra',
        idpUser: 'x-1',
      },
    ]);
    // With a field that differs too, one update carries both.
    const changed = run([idp(1, { attributes: { department: 'Finance' } })], [stored(1, { managedBy: null, lastSource: 'key:k1', department: 'Sales' })]);
    expect(changed.changes).toHaveLength(1);
    expect(changed.changes[0]).toMatchObject({ action: 'update', before: { department: 'Sales', managedBy: null }, after: { department: 'Finance', managedBy: 'entra' }, managedBy: 'entra' });
    expect(changed.changes[0]!.reason).toBe('linked to connector entra (was written by key:k1)');
    // A pushed member the IdP has disabled is linked as it is deactivated; the deletion budget counts it.
    const disabled = run([idp(1, { active: false })], [stored(1, { managedBy: null, lastSource: 'key:k1' })]);
    expect(disabled.changes[0]).toMatchObject({ action: 'deactivate', before: { active: true, managedBy: null }, after: { active: false, managedBy: 'entra' }, managedBy: 'entra' });
    // Once linked, the binding's full read deprovisions it like any of its members.
    expect(brief(run([], [stored(1, { managedBy: 'entra', lastSource: 'connector:entra' })]))).toEqual(['member:deactivate:user1@acme.test']);
  });

  it('does not link or take over an owner or another binding\'s member', () => {
    // A pushed owner: nothing to change is no row; a difference is the owner's skip, never a link.
    expect(run([idp(1)], [stored(1, { managedBy: null, owner: true })]).changes).toEqual([]);
    const owner = run([idp(1, { roles: ['admin'] })], [stored(1, { managedBy: null, owner: true })]);
    expect(brief(owner)).toEqual(['member:skip:user1@acme.test']);
    expect(owner.changes[0]!.reason).toContain('is an owner');
    // Another binding's member: left as it is, with a skip that says why when the IdP says something else.
    expect(run([idp(1)], [stored(1, { managedBy: 'okta' })]).changes).toEqual([]);
    const other = run([idp(1, { roles: ['admin'] })], [stored(1, { managedBy: 'okta' })]);
    expect(other.changes).toEqual([
      {
        action: 'skip',
        kind: 'member',
        key: 'user1@acme.test',
        targetId: 'm-1',
        before: null,
        after: null,
        reason: 'member "user1@acme.test" is managed by connector okta, so connector entra leaves it as it is: assign the IdP user through one binding only',
        drift: 'conflict',
        idpUser: 'x-1',
      },
    ]);
    // Nor does this binding's sweep touch it.
    expect(run([], [stored(1, { managedBy: 'okta' }), stored(2, { managedBy: null })]).changes).toEqual([]);
  });

  it('adopts a member that existed before rosterd by userName only when the workspace allows it', () => {
    const legacy = stored(1, { externalId: null, managedBy: null, version: 1 });
    const off = run([idp(1)], [legacy]);
    expect(brief(off)).toEqual(['member:skip:user1@acme.test']);
    expect(off.changes[0]!.reason).toContain('set adoptByUserName');
    const on = run([idp(1)], [legacy], { ws: workspace({ adoptByUserName: true }) });
    expect(on.changes[0]).toMatchObject({ action: 'update', targetId: 'm-1', before: { externalId: null, managedBy: null }, after: { externalId: 'x-1', managedBy: 'entra' }, managedBy: 'entra' });
    expect(on.changes[0]!.reason).toBe('adopted by userName: externalId set to x-1');
  });

  it('never guesses between two candidates', () => {
    // The userName belongs to a member linked to another IdP user.
    const linked = run([idp(1)], [stored(9, { userName: 'user1@acme.test', externalId: 'x-other', managedBy: null })], { ws: workspace({ adoptByUserName: true }) });
    expect(linked.changes[0]).toMatchObject({ action: 'skip' });
    expect(linked.changes[0]!.reason).toContain('two candidates');
    // The externalId matches one member and the new userName another.
    const clash = run([idp(1, { userName: 'user2@acme.test' })], [stored(1), stored(2)], { full: false });
    expect(clash.changes).toHaveLength(1);
    expect(clash.changes[0]!.reason).toContain('already used by another member');
    // Two IdP users with one userName: the first gets it.
    const twins = run([idp(1), idp(2, { userName: 'USER1@acme.test' })], []);
    expect(brief(twins)).toEqual(['member:create:user1@acme.test', 'member:skip:USER1@acme.test']);
    expect(twins.changes[1]!.reason).toContain('belongs to two IdP users (x-1 and x-2)');
    // The IdP listing one person twice.
    expect(run([idp(1), idp(1)], []).changes.map((c) => c.action)).toEqual(['create', 'skip']);
  });

  it('creates and renames groups from group grants and plans memberships with the project role', () => {
    const ws = workspace({ groups: { mode: 'projects', projectRole: 'admin', displayNamePrefix: '[SCIM] ' } });
    const viaDesign = { via: 'group' as const, groupId: 'g-design', groupName: 'Design', appRole: 'editor' };
    const viaOps = { via: 'group' as const, groupId: 'g-ops', groupName: 'Operations', appRole: 'editor' };
    const plan = run([idp(1, { grants: [viaDesign, viaOps] }), idp(2, { grants: [viaDesign] })], [stored(1)], {
      ws,
      groups: [group('grp-ops', 'g-ops', 'Ops')],
    });
    expect(brief(plan)).toEqual([
      'group:create:Design',
      'group:update:Ops',
      'member:create:user2@acme.test',
      'group_member:create:Design ← user1@acme.test',
      'group_member:create:Design ← user2@acme.test',
      'group_member:create:Operations ← user1@acme.test',
    ]);
    expect(plan.changes[0]!.after).toEqual({ displayName: 'Design', externalId: 'g-design', appName: '[SCIM] Design' });
    expect(plan.changes[1]).toMatchObject({ before: { displayName: 'Ops' }, after: { displayName: 'Operations', appName: '[SCIM] Operations' } });
    expect(plan.changes[3]!.after).toMatchObject({ memberId: 'm-1', projectRole: 'admin' });
  });

  it('removes memberships the IdP no longer grants, and groups no assignment mentions', () => {
    const groups = [group('grp-a', 'g-a', 'A'), group('grp-b', 'g-b', 'B'), group('grp-pushed', 'g-p', 'Pushed', null)];
    const plan = run([idp(1, { grants: [{ via: 'group', groupId: 'g-a', groupName: 'A', appRole: 'editor' }] })], [stored(1)], {
      groups,
      groupsOf: new Map([['m-1', new Set(['grp-a', 'grp-b'])]]),
    });
    expect(brief(plan)).toEqual(['group:remove:B', 'group_member:remove:B ← user1@acme.test']);
  });

  it('does not take over a group of the same name that it does not manage', () => {
    const plan = run([idp(1, { grants: [{ via: 'group', groupId: 'g-a', groupName: 'Sales', appRole: 'editor' }] })], [stored(1)], { groups: [group('grp-s', 'pushed-id', 'sales', null)] });
    expect(brief(plan)).toEqual(['group:skip:Sales', 'group_member:skip:Sales ← user1@acme.test']);
    expect(plan.changes[0]!.reason).toContain('not linked to IdP group g-a');
  });

  it('uses a pushed group with no externalId of the same name (Okta pushes none) without writing to it', () => {
    const plan = run([idp(1, { grants: [{ via: 'group', groupId: 'g-a', groupName: 'Sales', appRole: 'editor' }] })], [stored(1)], {
      groups: [group('grp-s', null, 'Sales', null)],
      groupsOf: new Map([['m-1', new Set(['grp-s'])]]),
    });
    expect(plan.changes).toEqual([]);
    const join = run([idp(1, { grants: [{ via: 'group', groupId: 'g-a', groupName: 'Sales', appRole: 'editor' }] })], [stored(1)], { groups: [group('grp-s', null, 'Sales', null)] });
    expect(brief(join)).toEqual(['group_member:create:Sales ← user1@acme.test']);
  });

  it('never removes a member from a group the binding does not manage', () => {
    const plan = run([idp(1)], [stored(1)], { groups: [group('grp-p', 'g-p', 'Pushed', null)], groupsOf: new Map([['m-1', new Set(['grp-p'])]]) });
    expect(plan.changes).toEqual([]);
  });

  it('is stably sorted whatever order the IdP lists members in', () => {
    const a = run([idp(3), idp(1), idp(2)], []);
    const b = run([idp(2), idp(3), idp(1)], []);
    expect(brief(a)).toEqual(brief(b));
  });
});
