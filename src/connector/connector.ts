import type { z } from 'zod';
import type { RemovedMember, SnapshotMember } from './snapshot-member.js';

// The pull connector contract. Connectors only read their IdP, never src/store; reads stream, so a large directory
// is never held in memory.

export interface Snapshot {
  /** Iterate once. */
  members: AsyncIterable<SnapshotMember>;
  /** After iteration: false unless every page was read, so missing members are never treated as gone. */
  readonly complete: boolean;
  readonly problems: readonly string[];
  /** For the next fetchChanges, when supported. */
  readonly cursor: string | null;
}

export interface ChangeSet {
  changes: AsyncIterable<SnapshotMember | RemovedMember>;
  readonly complete: boolean;
  readonly problems: readonly string[];
  /** Null when the IdP said to start over. */
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
  /** Null when the user exists but is not assigned. */
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
  /** Provisioning on demand someone never seen before. */
  findUser(userName: string, options?: ReadOptions): Promise<FoundUser | null>;
  testConnection(): Promise<ConnectionCheck>;
}

/** What a connector folder's index.ts exports. */
export interface ConnectorDefinition<Config> {
  kind: string;
  configSchema: z.ZodType<Config>;
  create(config: Config, deps: ConnectorDeps): Connector;
}
