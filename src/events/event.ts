import type { AppGroup, AppMember, MemberRef } from './app-resources.js';

/** What can happen to a workspace's members, groups and group memberships. */
export const EVENT_TYPES = [
  'member.created',
  'member.updated',
  'member.suspended',
  'member.reactivated',
  'member.removed',
  'member.owner_changed',
  'group.created',
  'group.updated',
  'group.deleted',
  'group.member_added',
  'group.member_updated',
  'group.member_removed',
] as const;

export type EventType = (typeof EVENT_TYPES)[number];

/** A field's value before and after an update. */
export interface FieldChange {
  before: unknown;
  after: unknown;
}

/**
 * What an event says: the resource after the change (before it, for a removal or deletion), and for updates
 * the fields that changed.
 */
export type EventData =
  | { member: AppMember; changes?: Record<string, FieldChange> }
  | { group: AppGroup; changes?: Record<string, FieldChange> }
  | { group: AppGroup; member: MemberRef; projectRole: string | null };

/** An event as it is stored and served. */
export interface RosterdEvent {
  /** Unique across workspaces; a webhook's `webhook-id`, so receivers can drop duplicates. */
  id: string;
  workspace: string;
  /** Per workspace: 1, 2, 3, … without gaps, in the order the changes committed. */
  seq: number;
  type: EventType;
  occurredAt: string;
  /** `scim:<key name>`, `connector:<binding>` or `cli`. */
  source: string;
  /** The SCIM request or the plan the change belongs to. */
  runId: string | null;
  data: EventData;
}

/** An event before its transaction gives it an id and a sequence. */
export interface EventDraft {
  type: EventType;
  data: EventData;
}
