import type { BindingMapping } from '../../src/connector/binding-mapping.js';
import type { Connector, ConnectorLogger } from '../../src/connector/connector.js';
import { entraConnector } from '../../connectors/entra/index.js';
import { entraConfigSchema, type EntraConfigInput } from '../../connectors/entra/entra-config.js';
import { DEFAULT_ACCESS_ROLE_ID, FakeGraph, type GraphUserInput } from '../fake/graph/index.js';
import { FAKE_TLS_DIR_ENV } from '../fake/graph/self-signed-cert.js';
import type { ConnectorHarness, DirectoryUser } from './connector-harness.js';

/**
 * The contract suite's view of Entra ID: the fake Graph on https://127.0.0.1 and the real Entra connector (real
 * Graph SDK client, real ClientSecretCredential against the fake's token endpoint) pointed at it through
 * `graphBaseUrl` and `authorityHost`, as a national cloud would be. Profile keys are Graph user paths:
 * `onPremisesExtensionAttributes.extensionAttribute1`, `department`, `preferredLanguage`, …
 */
const quiet: ConnectorLogger = { debug() {}, info() {}, warn() {}, error() {} };

function graphUser(user: DirectoryUser): GraphUserInput {
  const input: GraphUserInput = {
    id: user.id,
    userPrincipalName: user.userName,
    givenName: user.givenName ?? null,
    surname: user.familyName ?? null,
    displayName: [user.givenName, user.familyName].filter(Boolean).join(' ') || null,
    mail: user.email ?? null,
    accountEnabled: user.active ?? true,
  };
  return { ...input, ...profileProperties(user.profile) };
}

/** `{ 'onPremisesExtensionAttributes.extensionAttribute1': 250 }` → the nested Graph property (Graph holds strings). */
function profileProperties(profile: DirectoryUser['profile']): Partial<GraphUserInput> {
  const out: Record<string, unknown> = {};
  for (const [path, value] of Object.entries(profile ?? {})) {
    const [head, child] = path.split('.') as [string, string | undefined];
    const text = value === null ? null : String(value);
    if (child === undefined) out[head] = text;
    else out[head] = { ...(out[head] as object | undefined), [child]: text };
  }
  return out as Partial<GraphUserInput>;
}

function patchOf(patch: Partial<DirectoryUser>): Partial<GraphUserInput> {
  const out: Partial<GraphUserInput> = {};
  if (patch.userName !== undefined) out.userPrincipalName = patch.userName;
  if (patch.givenName !== undefined) out.givenName = patch.givenName;
  if (patch.familyName !== undefined) out.surname = patch.familyName;
  if (patch.email !== undefined) out.mail = patch.email;
  if (patch.active !== undefined) out.accountEnabled = patch.active;
  return { ...out, ...profileProperties(patch.profile) };
}

export class EntraHarness implements ConnectorHarness {
  readonly kind = 'entra' as const;
  readonly creditLimitSource = 'onPremisesExtensionAttributes.extensionAttribute1';
  readonly departmentSource = 'department';
  private graph: FakeGraph | null = null;

  /** The running fake, for Entra-specific tests (faults, permissions, delta token expiry). */
  get fake(): FakeGraph {
    if (!this.graph) throw new Error('entra harness: start() first');
    return this.graph;
  }

  async start(): Promise<void> {
    if (!process.env[FAKE_TLS_DIR_ENV]) {
      throw new Error(
        'the fake Graph serves HTTPS with a per-run certificate: run under vitest (test/fake/graph/fake-graph-tls-setup.ts is its globalSetup), ' +
          'or start node with NODE_EXTRA_CA_CERTS and ROSTERD_FAKE_TLS_DIR set up the same way',
      );
    }
    this.graph = new FakeGraph();
    await this.graph.start();
  }

  async stop(): Promise<void> {
    await this.graph?.stop();
    this.graph = null;
  }

  reset(): void {
    this.fake.reset();
  }

  addUser(user: DirectoryUser): void {
    this.fake.directory.addUser(graphUser(user));
  }

  updateUser(id: string, patch: Partial<DirectoryUser>): void {
    this.fake.directory.updateUser(id, patchOf(patch));
  }

  deactivateUser(id: string): void {
    this.fake.directory.updateUser(id, { accountEnabled: false });
  }

  deleteUser(id: string): void {
    this.fake.directory.hardDeleteUser(id);
  }

  assignUser(userId: string, appRole: string | null): void {
    this.fake.directory.assign(userId, 'User', this.roleId(appRole));
  }

  unassignUser(userId: string): void {
    this.fake.directory.unassign(userId);
  }

  addGroup(id: string, name: string, memberIds: string[]): void {
    this.fake.directory.addGroup(id, name, memberIds);
  }

  assignGroup(groupId: string, appRole: string | null): void {
    this.fake.directory.assign(groupId, 'Group', this.roleId(appRole));
  }

  setPageSize(size: number): void {
    this.fake.pageSizeCap = size;
    this.fake.deltaPageSize = size;
  }

  injectFault(fault: { status: 429 | 500 | 503; count: number; afterRequests: number }): void {
    this.fake.injectFault({ ...fault, retryAfterSeconds: 0 });
  }

  injectHang(fault: { afterRequests: number }): Promise<void> {
    const held = this.fake.whenHeld(this.fake.heldCount + 1);
    this.fake.injectFault({ status: 'timeout', count: 1, afterRequests: fault.afterRequests });
    return held;
  }

  requestCount(): number {
    return this.fake.requestCount();
  }

  connector(options: { mapping?: Partial<BindingMapping>; badCredentials?: boolean; requestTimeoutMs?: number; settings?: Partial<EntraConfigInput> } = {}): Connector {
    const fake = this.fake;
    const input: EntraConfigInput = {
      tenantId: fake.tenantId,
      clientId: fake.clientId,
      credentials: { type: 'clientSecret', clientSecret: options.badCredentials ? 'not-the-secret' : fake.clientSecret },
      servicePrincipalId: fake.directory.servicePrincipal.id,
      graphBaseUrl: fake.origin,
      authorityHost: fake.origin,
      // Short enough that an injected timeout does not stall the suite.
      requestTimeoutMs: options.requestTimeoutMs ?? 2_000,
      ...options.settings,
      mapping: options.mapping ?? {},
    };
    return entraConnector.create(entraConfigSchema.parse(input), { log: quiet, clock: () => new Date() });
  }

  private roleId(appRole: string | null): string {
    return appRole === null ? DEFAULT_ACCESS_ROLE_ID : this.fake.directory.appRole(appRole).id;
  }
}

export const entraHarness = (): EntraHarness => new EntraHarness();
