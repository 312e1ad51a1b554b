import type { z } from 'zod';
import type { RemovedMember, SnapshotMember } from './snapshot-member.js';

/**
 * The contract every pull connector meets. A connector only reads from its IdP; it never imports src/store.
 * Reads stream (async iterables), so a 1,000,000-member directory is never held in memory at once.
 */
export interface Snapshot {
  /** Every assigned member, page by page. Iterate once. */
  members: AsyncIterable<SnapshotMember>;
  /**
   * Known after iteration: true only if every page was read. An error that stops paging leaves it false, and
   * the reconciler then never treats the missing members as gone.
   */
  readonly complete: boolean;
  /** Why the snapshot is incomplete, for the plan's warnings. */
  readonly problems: readonly string[];
  /** Opaque cursor for the next fetchChanges (Entra delta link, Okta System Log next link), when supported. */
  readonly cursor: string | null;
}

export interface ChangeSet {
  /** Members whose assignment or profile changed since the cursor, and members that went away. */
  changes: AsyncIterable<SnapshotMember | RemovedMember>;
  readonly complete: boolean;
  readonly problems: readonly string[];
  /** Where the next incremental read starts; null when the IdP said to start over (Entra 410 / syncStateNotFound). */
  readonly cursor: string | null;
  /** True when the cursor was no longer valid and a full snapshot is needed. */
  readonly resyncRequired: boolean;
}

export interface ConnectionCheck {
  /** One line like "Entra ID tenant contoso: app Base44 SCIM, 3 app roles, first page: 100 assignments". */
  summary: string;
  /** Up to a page of members as the connector sees them. */
  sample: SnapshotMember[];
}

export interface ConnectorLogger {
  debug(obj: object, msg?: string): void;
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
}

export interface ConnectorDeps {
  log: ConnectorLogger;
  clock: () => Date;
}

/** A user looked up by userName: its IdP id, and the member it is when assigned to the application. */
export interface FoundUser {
  externalId: string;
  /** Null when the user exists but is not assigned to the application (directly or through a group). */
  member: SnapshotMember | null;
}

/** Per call: an abort stops the connector's requests in flight (a shutdown must not wait for a hung IdP). */
export interface ReadOptions {
  signal?: AbortSignal;
}

export interface Connector {
  readonly kind: string;
  fetchSnapshot(options?: ReadOptions): Promise<Snapshot>;
  /** Incremental read from a cursor; connectors without one return resyncRequired. */
  fetchChanges(cursor: string, options?: ReadOptions): Promise<ChangeSet>;
  /** One member for provisioning on demand; null when the person is not assigned. */
  fetchOne(externalId: string, options?: ReadOptions): Promise<SnapshotMember | null>;
  /**
   * One user by userName (Entra userPrincipalName, Okta login), for provisioning on demand of someone the workspace
   * has never seen; null when the IdP has no such user.
   */
  findUser(userName: string, options?: ReadOptions): Promise<FoundUser | null>;
  /** Read one page and describe it, like the IdPs' own "Test Connection". */
  testConnection(): Promise<ConnectionCheck>;
}

/** What a connector folder's index.ts exports, and `connectors/index.ts` loads when a binding of its kind is used. */
export interface ConnectorDefinition<Config> {
  /** The binding's `kind`, the same as the kind it is registered under. */
  kind: string;
  /** The binding's `settings`; each kind owns its options. */
  configSchema: z.ZodType<Config>;
  create(config: Config, deps: ConnectorDeps): Connector;
}
