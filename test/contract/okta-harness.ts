import type { BindingMapping } from '../../src/connector/binding-mapping.js';
import type { Connector, ConnectorLogger } from '../../src/connector/connector.js';
import { oktaConnector } from '../../connectors/okta/index.js';
import { oktaConfigSchema, type OktaConfigInput } from '../../connectors/okta/okta-config.js';
import { FakeOktaServer } from '../fake/okta/okta-server.js';
import type { ConnectorHarness, DirectoryUser } from './connector-harness.js';

/**
 * The contract suite's view of Okta: the fake org on 127.0.0.1 and the real Okta connector (real SDK client,
 * API token) pointed at it. Profile keys use the mapper's paths: `profile.X` is an app-user profile attribute
 * (role, creditLimit, seatType live there), `user.profile.X` or a bare `X` is an Okta user profile attribute.
 */
const quiet: ConnectorLogger = { debug() {}, info() {}, warn() {}, error() {} };

type Profile = Record<string, unknown>;

function splitProfile(values: DirectoryUser['profile']): { user: Profile; app: Profile } {
  const user: Profile = {};
  const app: Profile = {};
  for (const [key, value] of Object.entries(values ?? {})) {
    if (key.startsWith('profile.')) app[key.slice('profile.'.length)] = value;
    else if (key.startsWith('user.profile.')) user[key.slice('user.profile.'.length)] = value;
    else user[key] = value;
  }
  return { user, app };
}

/** Another app role on an existing assignment: Okta holds several in a string-array `role` attribute. */
function withRole(profile: Profile | undefined, appRole: string | null): Profile {
  const current = profile?.role;
  const roles = (Array.isArray(current) ? current : current === undefined ? [] : [current]) as unknown[];
  if (appRole === null || roles.includes(appRole)) return { ...profile };
  const next = [...roles, appRole];
  return { ...profile, role: next.length === 1 ? next[0] : next };
}

export class OktaHarness implements ConnectorHarness {
  readonly kind = 'okta' as const;
  readonly creditLimitSource = 'profile.creditLimit';
  readonly departmentSource = 'user.profile.department';
  readonly fake = new FakeOktaServer();

  get directory() {
    return this.fake.directory;
  }

  async start(): Promise<void> {
    await this.fake.start();
  }

  async stop(): Promise<void> {
    await this.fake.stop();
  }

  reset(): void {
    this.fake.reset();
  }

  addUser(user: DirectoryUser): void {
    const { user: profile, app } = splitProfile(user.profile);
    this.directory.addUser({
      id: user.id,
      login: user.userName,
      email: user.email ?? user.userName,
      ...(user.givenName !== undefined ? { firstName: user.givenName } : {}),
      ...(user.familyName !== undefined ? { lastName: user.familyName } : {}),
      status: user.active === false ? 'SUSPENDED' : 'ACTIVE',
      profile,
      appProfile: app,
    });
  }

  updateUser(id: string, patch: Partial<DirectoryUser>): void {
    const { user: profile, app } = splitProfile(patch.profile);
    if (patch.userName !== undefined) profile.login = patch.userName;
    if (patch.email !== undefined) profile.email = patch.email;
    if (patch.givenName !== undefined) profile.firstName = patch.givenName;
    if (patch.familyName !== undefined) profile.lastName = patch.familyName;
    this.directory.updateUser(id, {
      ...(Object.keys(profile).length > 0 ? { profile } : {}),
      ...(Object.keys(app).length > 0 ? { appProfile: app } : {}),
    });
    if (patch.active !== undefined) this.directory.setStatus(id, patch.active ? 'ACTIVE' : 'SUSPENDED');
  }

  deactivateUser(id: string): void {
    this.directory.setStatus(id, 'SUSPENDED');
  }

  deleteUser(id: string): void {
    this.directory.deleteUser(id);
  }

  assignUser(userId: string, appRole: string | null): void {
    this.directory.assignUser(userId, withRole(this.directory.assignments.get(userId)?.profile, appRole));
  }

  unassignUser(userId: string): void {
    this.directory.unassignUser(userId);
  }

  addGroup(id: string, name: string, memberIds: string[]): void {
    this.directory.addGroup({ id, name, memberIds });
  }

  assignGroup(groupId: string, appRole: string | null): void {
    this.directory.assignGroup(groupId, withRole(this.directory.groupAssignments.get(groupId)?.profile, appRole));
  }

  setPageSize(size: number): void {
    this.fake.pageSizeCap = size;
  }

  injectFault(fault: { status: 429 | 500 | 503; count: number; afterRequests: number }): void {
    // The assignment lists: app users and the members of assigned groups. A Reset one second before the
    // response's Date makes the SDK's wait (Reset·1000 − Date + 1000 ms) zero, so the retry is immediate.
    this.fake.faults.add({ ...fault, routes: ['appUsers', 'groupUsers'], resetAfterSeconds: -1 });
  }

  injectHang(fault: { afterRequests: number }): Promise<void> {
    const held = this.fake.whenHeld(this.fake.heldCount + 1);
    this.fake.faults.add({ status: 'timeout', count: 1, afterRequests: fault.afterRequests, routes: ['appUsers', 'groupUsers'] });
    return held;
  }

  requestCount(): number {
    return this.fake.requestCount;
  }

  connector(options: { mapping?: Partial<BindingMapping>; badCredentials?: boolean; requestTimeoutMs?: number; settings?: Partial<OktaConfigInput> } = {}): Connector {
    const config = oktaConfigSchema.parse({
      orgUrl: this.fake.origin,
      appId: this.directory.app.id,
      auth: { type: 'apiToken', apiToken: options.badCredentials ? 'not-a-valid-token' : this.fake.apiToken },
      mapping: options.mapping ?? {},
      ...(options.requestTimeoutMs !== undefined ? { requestTimeoutMs: options.requestTimeoutMs } : {}),
      ...options.settings,
    });
    return oktaConnector.create(config, { log: quiet, clock: () => new Date() });
  }
}
