import type { z } from 'zod';
import type { RemovedMember, SnapshotMember } from './snapshot-member.js';

// The pull connector contract. Connectors only read from their IdP and never import src/store; reads stream so a
// large directory is never held in memory.

export interface Snapshot {
  /** Iterate once. */
  members: AsyncIterable<SnapshotMember>;
  /** Known after iteration: false unless every page was read, so missing members are never treated as gone. */
  readonly complete: boolean;
  readonly problems: readonly string[];
  /** Opaque cursor for the next fetchChanges, when supported. */
  readonly cursor: string | null;
}

export interface ChangeSet {
  changes: AsyncIterable<SnapshotMember | RemovedMember>;
  readonly complete: boolean;
  readonly problems: readonly string[];
  /** Null when the IdP said to start over (e.g. Entra 410 / syncStateNotFound). */
  readonly cursor: string | null;
  readonly resyncRequired: boolean;
}

export interface ConnectionCheck {
  summary: string;
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

export interface FoundUser {
  externalId: string;
  /** Null when the user exists but is not assigned to the application. */
  member: SnapshotMember | null;
}

/** An abort cancels requests in flight, so shutdown never waits for a hung IdP. */
export interface ReadOptions {
  signal?: AbortSignal;
}

export interface Connector {
  readonly kind: string;
  fetchSnapshot(options?: ReadOptions): Promise<Snapshot>;
  /** Connectors without cursors return resyncRequired. */
  fetchChanges(cursor: string, options?: ReadOptions): Promise<ChangeSet>;
  fetchOne(externalId: string, options?: ReadOptions): Promise<SnapshotMember | null>;
  /** For provisioning on demand someone never seen before; null when the IdP has no such user. */
  findUser(userName: string, options?: ReadOptions): Promise<FoundUser | null>;
  testConnection(): Promise<ConnectionCheck>;
}

/** What a connector folder's index.ts exports. */
export interface ConnectorDefinition<Config> {
  kind: string;
  configSchema: z.ZodType<Config>;
  create(config: Config, deps: ConnectorDeps): Connector;
}
