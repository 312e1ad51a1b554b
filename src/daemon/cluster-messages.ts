/** Primary–worker IPC. The `rosterd:` prefix tells ours from prom-client's messages on the same channel. */
export type WorkerMessage =
  | { type: 'rosterd:listening'; url: string }
  | { type: 'rosterd:metrics-request'; requestId: number }
  | EventsCommitted;

export type PrimaryMessage =
  | { type: 'rosterd:metrics'; requestId: number; text?: string; error?: string }
  | { type: 'rosterd:shutdown' }
  | EventsCommitted;

/** Wakes every worker's long polls and webhook deliveries when one commits events. */
export interface EventsCommitted {
  type: 'rosterd:events';
  workspaceId: string;
  seq: number;
}

export function isMessage<T extends { type: string }>(value: unknown, type: T['type']): value is T {
  return typeof value === 'object' && value !== null && (value as { type?: unknown }).type === type;
}

export const WORKER_INDEX_ENV = 'ROSTERD_WORKER_INDEX';
