import type { RosterdEvent } from '../events/event.js';
import type { WebhookCursor, WebhookDelivery } from '../store/webhook-repository.js';

/**
 * One endpoint's delivery of one workspace's events, in memory: the cursor as last read or saved, what changed
 * since (saved in batches, so a burst of deliveries costs one write per batch, not one per event), and the events
 * read ahead of it.
 */
export interface DeliveryLane {
  workspaceId: string;
  /** The cursor's revision when read; saving under another one means someone replayed or enabled it meanwhile. */
  revision: number;
  /** The last sequence the endpoint accepted (or that its filter skipped). */
  lastSeq: number;
  /** Failed attempts of the next event. */
  attempts: number;
  /** Epoch milliseconds of the next event's first failure. */
  firstFailedAt: number | null;
  /** Epoch milliseconds before which the next event is not tried again. */
  nextAttemptAt: number | null;
  lastError: string | null;
  /** Events after lastSeq read ahead, in order. */
  ahead: RosterdEvent[];
  /** The highest sequence of the workspace known to exist; nothing to do while it is lastSeq. */
  knownSeq: number;
  /** Attempts not saved yet. */
  unsaved: WebhookDelivery[];
  /** Whether the cursor changed since it was saved. */
  dirty: boolean;
}

export function laneOf(cursor: WebhookCursor, knownSeq: number): DeliveryLane {
  return {
    workspaceId: cursor.workspaceId,
    revision: cursor.revision,
    lastSeq: cursor.lastSeq,
    attempts: cursor.attempts,
    firstFailedAt: cursor.firstFailedAt === null ? null : Date.parse(cursor.firstFailedAt),
    nextAttemptAt: cursor.nextAttemptAt === null ? null : Date.parse(cursor.nextAttemptAt),
    lastError: cursor.lastError,
    ahead: [],
    // Unknown until announced or read: assume there may be something, a read tells.
    knownSeq: Math.max(knownSeq, cursor.lastSeq + 1),
    unsaved: [],
    dirty: false,
  };
}

/** Whether the lane has an event to try now. */
export function laneReady(lane: DeliveryLane, now: number): boolean {
  return (lane.ahead.length > 0 || lane.knownSeq > lane.lastSeq) && (lane.nextAttemptAt === null || lane.nextAttemptAt <= now);
}

/** Record an accepted (or filtered-out) event: the cursor passes it and its retries are forgotten. */
export function advanceLane(lane: DeliveryLane, seq: number): void {
  lane.lastSeq = seq;
  lane.attempts = 0;
  lane.firstFailedAt = null;
  lane.nextAttemptAt = null;
  lane.lastError = null;
  lane.dirty = true;
}
