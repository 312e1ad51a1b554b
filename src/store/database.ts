import type { Generated, Insertable, Selectable, Updateable } from 'kysely';
import type { DriftReason } from '../model/drift.js';

/** Kysely table types. Columns are snake_case; repositories map them to the model's RFC spelling. */

export interface WorkspaceTable {
  id: string;
  name: string;
  version: 'v1' | 'v2';
  extension_urn: string;
  /** JSON of WorkspacePolicy. */
  policy: string;
  revision: number;
  /** The sequence of the workspace's last event (0: none yet). */
  event_seq: Generated<number>;
  created_at: string;
  updated_at: string;
}

export interface AccountTable {
  id: string;
  /** Normalized (trimmed, lower-case) email: the person across workspaces. */
  email: string;
  created_at: string;
}

export interface MembershipTable {
  id: string;
  workspace_id: string;
  account_id: string;
  external_id: string | null;
  user_name: string;
  user_name_lower: string;
  display_name: string | null;
  given_name: string | null;
  family_name: string | null;
  formatted_name: string | null;
  middle_name: string | null;
  honorific_prefix: string | null;
  honorific_suffix: string | null;
  nick_name: string | null;
  profile_url: string | null;
  user_type: string | null;
  title: string | null;
  locale: string | null;
  preferred_language: string | null;
  timezone: string | null;
  /** JSON arrays, stored exactly as sent. */
  emails: string | null;
  phone_numbers: string | null;
  addresses: string | null;
  roles: string | null;
  employee_number: string | null;
  department: string | null;
  cost_center: string | null;
  organization: string | null;
  division: string | null;
  manager_id: string | null;
  manager_ref: string | null;
  manager_display_name: string | null;
  active: number;
  role: string | null;
  credit_limit: number | null;
  seat_type: string | null;
  owner: number;
  last_source: string;
  /** The connector binding that manages this member (a pull may deprovision it); null when pushed or made by hand. */
  managed_by: string | null;
  /** JSON object: member field → the source that last wrote it (`key:<id>`, `connector:<name>`, `cli`). */
  field_sources: string | null;
  version: number;
  /**
   * The version at which the binding that manages the member last left it matching the IdP (0 when unmanaged). A
   * write by any other source moves `version` past it, and the binding's next cycle compares the member again.
   */
  synced_version: Generated<number>;
  created_at: string;
  updated_at: string;
  /** The first event sequence of the transaction that last wrote the row: a listing cut at a sequence leaves out later rows. */
  event_seq: Generated<number>;
}

export interface GroupTable {
  id: string;
  workspace_id: string;
  external_id: string | null;
  /** As the IdP sent it: what SCIM filters and responses use. */
  display_name: string;
  display_name_lower: string;
  /** What the vendor's app shows: the workspace's group prefix + displayName. */
  app_name: string;
  last_source: string;
  managed_by: string | null;
  version: number;
  created_at: string;
  updated_at: string;
  /** The first event sequence of the transaction that last wrote the row: a listing cut at a sequence leaves out later rows. */
  event_seq: Generated<number>;
}

export interface GroupMemberTable {
  group_id: string;
  membership_id: string;
  workspace_id: string;
  project_role: string | null;
  created_at: string;
  /** The first event sequence of the transaction that last wrote the row: a listing cut at a sequence leaves out later rows. */
  event_seq: Generated<number>;
}

export interface ApiKeyTable {
  id: string;
  workspace_id: string;
  name: string;
  description: string | null;
  /** Hex SHA-256 of the secret part; the key itself is never stored. */
  hash: string;
  created_at: string;
  last_used_at: string | null;
  revoked_at: string | null;
}

/** A key of the vendor's app backend for the app API; no workspace means it reaches every workspace. */
export interface AppKeyTable {
  id: string;
  workspace_id: string | null;
  name: string;
  description: string | null;
  /** Hex SHA-256 of the secret part; the key itself is never stored. */
  hash: string;
  created_at: string;
  last_used_at: string | null;
  revoked_at: string | null;
}

/** A key that opens the web console (/console); it opens neither SCIM nor the app API. */
export interface AdminKeyTable {
  id: string;
  name: string;
  description: string | null;
  /** Hex SHA-256 of the secret part; the key itself is never stored. */
  hash: string;
  created_at: string;
  last_used_at: string | null;
  revoked_at: string | null;
}

/** A console sign-in: the admin key it was made with, until it expires, is signed out, or the key is revoked. */
export interface AdminSessionTable {
  /** Hex SHA-256 of the token in the session cookie. */
  id: string;
  admin_key_id: string;
  created_at: string;
  expires_at: string;
}

export interface ProvisioningLogTable {
  id: Generated<number>;
  workspace_id: string;
  actor: string;
  operation: string;
  target_kind: string;
  target_id: string | null;
  target_key: string | null;
  before: string | null;
  after: string | null;
  result: 'applied' | 'refused' | 'skipped';
  error_status: number | null;
  error_detail: string | null;
  request_id: string | null;
  at: string;
}

export type PlanStatus = 'planned' | 'pending' | 'approved' | 'applied' | 'refused' | 'stale' | 'rejected';

export interface PlanTable {
  id: string;
  workspace_id: string;
  source: string;
  binding: string | null;
  basis: number;
  status: PlanStatus;
  /** JSON: count per action. */
  summary: string;
  /** JSON: string[]. */
  warnings: string;
  change_count: number;
  deletions: number;
  complete: number;
  cursor: string | null;
  created_at: string;
  decided_at: string | null;
  decided_by: string | null;
}

export interface PlanChangeTable {
  plan_id: string;
  seq: number;
  /** The plan's stable order as one bytewise-compared string (see plan.ts sortKeyOf). */
  sort_key: string;
  /** JSON: one Change. */
  change: string;
}

/**
 * How a run ended: `drift` when it applied what it could and members still differ from the IdP (refused by the
 * policy, in conflict, set aside), `aborted` when a shutdown interrupted it.
 */
export type RunResult = 'running' | 'no_changes' | 'planned' | 'applied' | 'drift' | 'refused' | 'failed' | 'stale' | 'aborted';

export interface SyncRunTable {
  id: string;
  workspace_id: string;
  binding: string;
  mode: 'full' | 'incremental' | 'user';
  trigger: 'cli' | 'schedule' | 'approve' | 'apply';
  dry_run: number;
  result: RunResult;
  plan_id: string | null;
  /** JSON: count per action. */
  summary: string | null;
  members_read: Generated<number>;
  complete: number | null;
  error: string | null;
  instance: string | null;
  started_at: string;
  finished_at: string | null;
  /** Members left differing from the IdP when the run ended. */
  drift: number | null;
  /** The one-line outcome, as `rosterd reconcile` prints it. */
  message: string | null;
}

export interface ConnectorStateTable {
  workspace_id: string;
  binding: string;
  cursor: string | null;
  last_good_at: string | null;
  updated_at: string;
  /** When the binding last finished a complete full read. */
  last_full_at: string | null;
  /** Why the next cycle must read everything (a failed or incomplete cycle, an upgrade); null when it need not. */
  full_due: string | null;
  /** A hash of the workspace settings the binding's records were last compared under. */
  settings_hash: string | null;
}

export interface PulledMemberTable {
  workspace_id: string;
  binding: string;
  /** The IdP user's id: the member's externalId. */
  external_id: string;
  /** JSON: the SnapshotMember as the connector mapped it, or the RemovedMember the IdP reported. */
  snapshot: string;
  /** Of `snapshot`: an unchanged statement is told apart without comparing it. */
  hash: string;
  /** Null when the store matched this statement after the last cycle. */
  drift: DriftReason | null;
  drift_detail: string | null;
  /**
   * The member's version at which the store matched this statement, or will once the change planned for it is applied
   * (a plan never applied leaves the member at another version, and the next cycle compares it again).
   */
  settled_version: number | null;
  updated_at: string;
}

export interface LeaseTable {
  name: string;
  holder: string;
  /** Epoch milliseconds. */
  expires_at: number;
  acquired_at: string;
}

/** One row (id 1): moved by triggers whenever an API key or a workspace's settings change (see its migration). */
export interface AuthGenerationTable {
  id: number;
  generation: number;
}

/** One applied change of a workspace, numbered per workspace in commit order. */
export interface EventTable {
  workspace_id: string;
  seq: number;
  id: string;
  type: string;
  occurred_at: string;
  source: string;
  run_id: string | null;
  /** JSON of the event's data. */
  data: string;
}

/** An endpoint that receives a workspace's events (every workspace's when workspace_id is null). */
export interface WebhookEndpointTable {
  id: string;
  workspace_id: string | null;
  url: string;
  /** JSON array of event type patterns (`member.*`); null: every event. */
  event_types: string | null;
  /** The signing secret, `whsec_<base64>`: never printed after creation, never logged. */
  secret: string;
  status: 'active' | 'failing' | 'disabled';
  failing_since: string | null;
  status_reason: string | null;
  created_at: string;
  updated_at: string;
}

/** Per endpoint and workspace: the last sequence accepted, and the retry state of the next event. */
export interface WebhookCursorTable {
  endpoint_id: string;
  workspace_id: string;
  last_seq: number;
  attempts: Generated<number>;
  first_failed_at: string | null;
  next_attempt_at: string | null;
  last_error: string | null;
  /** Moved by changes made outside the delivering process (replay, enable). */
  revision: Generated<number>;
  updated_at: string;
}

/** One delivery attempt. */
export interface WebhookDeliveryTable {
  id: string;
  endpoint_id: string;
  workspace_id: string;
  seq: number;
  event_id: string;
  event_type: string;
  attempt: number;
  at: string;
  outcome: 'delivered' | 'failed';
  http_status: number | null;
  duration_ms: number;
  error: string | null;
}

export interface Database {
  workspace: WorkspaceTable;
  account: AccountTable;
  membership: MembershipTable;
  scim_group: GroupTable;
  group_member: GroupMemberTable;
  api_key: ApiKeyTable;
  app_key: AppKeyTable;
  admin_key: AdminKeyTable;
  admin_session: AdminSessionTable;
  provisioning_log: ProvisioningLogTable;
  plan: PlanTable;
  plan_change: PlanChangeTable;
  sync_run: SyncRunTable;
  connector_state: ConnectorStateTable;
  pulled_member: PulledMemberTable;
  lease: LeaseTable;
  auth_generation: AuthGenerationTable;
  event: EventTable;
  webhook_endpoint: WebhookEndpointTable;
  webhook_cursor: WebhookCursorTable;
  webhook_delivery: WebhookDeliveryTable;
}

export type MembershipRow = Selectable<MembershipTable>;
export type NewMembershipRow = Insertable<MembershipTable>;
export type MembershipUpdate = Updateable<MembershipTable>;
export type GroupRow = Selectable<GroupTable>;
export type WorkspaceRow = Selectable<WorkspaceTable>;
export type ApiKeyRow = Selectable<ApiKeyTable>;
export type AppKeyRow = Selectable<AppKeyTable>;
export type AdminKeyRow = Selectable<AdminKeyTable>;
export type ProvisioningLogRow = Selectable<ProvisioningLogTable>;
export type EventRow = Selectable<EventTable>;
export type PlanRow = Selectable<PlanTable>;
export type SyncRunRow = Selectable<SyncRunTable>;
export type PulledMemberRow = Selectable<PulledMemberTable>;
