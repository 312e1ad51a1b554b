import type { BindingMapping } from '../../src/connector/binding-mapping.js';
import type { Connector } from '../../src/connector/connector.js';

/**
 * What the shared contract suite needs from each IdP: a fake IdP server with a directory the test changes
 * between cycles, fault injection, and a real connector (real SDK client) pointed at it.
 */
export interface DirectoryUser {
  id: string;
  userName: string;
  givenName?: string;
  familyName?: string;
  email?: string;
  /** false = disabled / suspended in the IdP. */
  active?: boolean;
  /** Source-native profile values, keyed by the harness's names below (creditLimitSource, departmentSource, …). */
  profile?: Record<string, string | number | null>;
}

export interface ConnectorHarness {
  readonly kind: 'entra' | 'okta';
  /** Mapping source paths for this IdP, so the suite can map creditLimit and department without knowing the IdP. */
  readonly creditLimitSource: string;
  readonly departmentSource: string;
  start(): Promise<void>;
  stop(): Promise<void>;
  /** Empty the directory and clear injected faults. */
  reset(): void;
  addUser(user: DirectoryUser): void;
  updateUser(id: string, patch: Partial<DirectoryUser>): void;
  /** Soft delete: Entra accountEnabled=false / Okta SUSPENDED. */
  deactivateUser(id: string): void;
  /** Hard delete from the directory (Entra deletion → @removed; Okta DEPROVISIONED/deleted). */
  deleteUser(id: string): void;
  /** App-role VALUE as the admin configured it (e.g. "admin", "Editor"); null = default access. */
  assignUser(userId: string, appRole: string | null): void;
  unassignUser(userId: string): void;
  addGroup(id: string, name: string, memberIds: string[]): void;
  assignGroup(groupId: string, appRole: string | null): void;
  /** Page size the fake uses for the assignment list (the connector still asks for its maximum). */
  setPageSize(size: number): void;
  /** After `afterRequests` more requests to the assignment/user list endpoints, answer `count` times with `status`. */
  injectFault(fault: { status: 429 | 500 | 503; count: number; afterRequests: number }): void;
  /**
   * After `afterRequests` more requests to the assignment/user list endpoints, hold the next one open without an
   * answer (until the client gives up, or reset()); resolves once that request is being held.
   */
  injectHang(fault: { afterRequests: number }): Promise<void>;
  /** Number of requests the fake has served (to show paging happened). */
  requestCount(): number;
  /** A real connector pointed at the fake; `requestTimeoutMs` is its per-request time limit (each harness has a default). */
  connector(options?: { mapping?: Partial<BindingMapping>; badCredentials?: boolean; requestTimeoutMs?: number }): Connector;
}
