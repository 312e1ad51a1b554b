import type { AppGroup, AppMember, MemberRef } from './app-resources.js';

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

export interface FieldChange {
  before: unknown;
  after: unknown;
}

/** The resource after the change (before it, for a removal), and for updates the changed fields. */
export type EventData =
  | { member: AppMember; changes?: Record<string, FieldChange> }
  | { group: AppGroup; changes?: Record<string, FieldChange> }
  | { group: AppGroup; member: MemberRef; projectRole: string | null };

export interface RosterdEvent {
  /** Unique across workspaces; the webhook's `webhook-id`, so receivers can drop duplicates. */
  id: string;
  workspace: string;
  /** Per workspace, gapless, in commit order. */
  seq: number;
  type: EventType;
  occurredAt: string;
  /** `scim:<key name>`, `connector:<binding>` or `cli`. */
  source: string;
  /** The SCIM request or plan the change belongs to. */
  runId: string | null;
  data: EventData;
}

export interface EventDraft {
  type: EventType;
  data: EventData;
}
