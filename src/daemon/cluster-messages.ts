/**
 * What a cluster's primary and its HTTP workers say to each other over Node's IPC channel. Every message has a
 * `rosterd:` type, so prom-client's own cluster messages (which share the channel) are told apart.
 */
export type WorkerMessage =
  /** The worker's server is listening at `url`. */
  | { type: 'rosterd:listening'; url: string }
  /** The worker was asked for /metrics: the primary answers with every worker's metrics added up. */
  | { type: 'rosterd:metrics-request'; requestId: number }
  /** Events of a workspace committed up to `seq` (in this worker, or relayed): the primary passes it to the others. */
  | EventsCommitted;

export type PrimaryMessage =
  | { type: 'rosterd:metrics'; requestId: number; text?: string; error?: string }
  /** Stop taking work and exit, as on SIGTERM. */
  | { type: 'rosterd:shutdown' }
  | EventsCommitted;

/** Wakes the long polls and webhook deliveries of every worker when one of them commits events. */
export interface EventsCommitted {
  type: 'rosterd:events';
  workspaceId: string;
  seq: number;
}

export function isMessage<T extends { type: string }>(value: unknown, type: T['type']): value is T {
  return typeof value === 'object' && value !== null && (value as { type?: unknown }).type === type;
}

/** The worker's index (0 …) in its cluster, from the environment its primary forked it with. */
export const WORKER_INDEX_ENV = 'ROSTERD_WORKER_INDEX';
