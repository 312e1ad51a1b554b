import type { RosterdEvent } from '../events/event.js';
import type { WebhookCursor, WebhookDelivery } from '../store/webhook-repository.js';

/** One endpoint's delivery of one workspace's events, in memory; saved in batches, not per event. */
export interface DeliveryLane {
  workspaceId: string;
  /** Saving under another revision means it was replayed or enabled meanwhile. */
  revision: number;
  /** Last seq accepted (or skipped by the filter). */
  lastSeq: number;
  attempts: number;
  firstFailedAt: number | null;
  /** No retry before this (epoch ms). */
  nextAttemptAt: number | null;
  lastError: string | null;
  ahead: RosterdEvent[];
  /** Nothing to do while it equals lastSeq. */
  knownSeq: number;
  unsaved: WebhookDelivery[];
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
    knownSeq: Math.max(knownSeq, cursor.lastSeq + 1),
    unsaved: [],
    dirty: false,
  };
}

export function laneReady(lane: DeliveryLane, now: number): boolean {
  return (lane.ahead.length > 0 || lane.knownSeq > lane.lastSeq) && (lane.nextAttemptAt === null || lane.nextAttemptAt <= now);
}

export function advanceLane(lane: DeliveryLane, seq: number): void {
  lane.lastSeq = seq;
  lane.attempts = 0;
  lane.firstFailedAt = null;
  lane.nextAttemptAt = null;
  lane.lastError = null;
  lane.dirty = true;
}
