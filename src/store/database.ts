import type { Generated, Insertable, Selectable, Updateable } from 'kysely';
import type { DriftReason } from '../model/drift.js';

// Kysely table types; repositories map snake_case columns to the model.

export interface WorkspaceTable {
  id: string;
  name: string;
  version: 'v1' | 'v2';
  extension_urn: string;
  /** JSON of WorkspacePolicy. */
  policy: string;
  revision: number;
  /** Last event's sequence (0: none). */
  event_seq: Generated<number>;
  created_at: string;
  updated_at: string;
}

export interface AccountTable {
  id: string;
  /** Normalized: the person across workspaces. */
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
  /** JSON arrays, as sent. */
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
  /** The managing binding (its pulls may deprovision it); null if pushed or hand-made. */
  managed_by: string | null;
  /** JSON: field → source that last wrote it. */
  field_sources: string | null;
  version: number;
  /**
   * Version last matched to its binding's IdP (0: unmanaged); other writes move `version` past it, so the next cycle
   * compares again.
   */
  synced_version: Generated<number>;
  created_at: string;
  updated_at: string;
  /** First event sequence of the last writing transaction, for listings cut at a sequence. */
  event_seq: Generated<number>;
}

export interface GroupTable {
  id: string;
  workspace_id: string;
  external_id: string | null;
  /** As the IdP sent it (filters, responses). */
  display_name: string;
  display_name_lower: string;
  /** What the vendor's app shows: group prefix + displayName. */
  app_name: string;
  last_source: string;
  managed_by: string | null;
  version: number;
  created_at: string;
  updated_at: string;
  /** As membership.event_seq. */
  event_seq: Generated<number>;
}

export interface GroupMemberTable {
  group_id: string;
  membership_id: string;
  workspace_id: string;
  project_role: string | null;
  created_at: string;
  /** As membership.event_seq. */
  event_seq: Generated<number>;
}

export interface ApiKeyTable {
  id: string;
  workspace_id: string;
  name: string;
  description: string | null;
  /** Hex SHA-256 of the secret; keys are never stored. */
  hash: string;
  created_at: string;
  last_used_at: string | null;
  revoked_at: string | null;
}

/** An app-API key of the vendor's backend; null workspace: all. */
export interface AppKeyTable {
  id: string;
  workspace_id: string | null;
  name: string;
  description: string | null;
  /** As api_key.hash. */
  hash: string;
  created_at: string;
  last_used_at: string | null;
  revoked_at: string | null;
}

/** Opens the web console only. */
export interface AdminKeyTable {
  id: string;
  name: string;
  description: string | null;
  /** As api_key.hash. */
  hash: string;
  created_at: string;
  last_used_at: string | null;
  revoked_at: string | null;
}

/** Live until it expires, signs out, or its key is revoked. */
export interface AdminSessionTable {
  /** SHA-256 of the cookie's token. */
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
  summary: string;
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
  /** Stable order, compared bytewise (sortKeyOf). */
  sort_key: string;
  change: string;
}

/** `drift`: members still differ; `aborted`: a shutdown stopped it. */
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
  summary: string | null;
  members_read: Generated<number>;
  complete: number | null;
  error: string | null;
  instance: string | null;
  started_at: string;
  finished_at: string | null;
  /** Members left differing. */
  drift: number | null;
  /** As `rosterd reconcile` prints it. */
  message: string | null;
}

export interface ConnectorStateTable {
  workspace_id: string;
  binding: string;
  cursor: string | null;
  last_good_at: string | null;
  updated_at: string;
  last_full_at: string | null;
  /** Why the next cycle must read everything; null if not. */
  full_due: string | null;
  /** Of the settings the records were last compared under. */
  settings_hash: string | null;
}

export interface PulledMemberTable {
  workspace_id: string;
  binding: string;
  /** The IdP user's id: the member's externalId. */
  external_id: string;
  /** JSON SnapshotMember, or the RemovedMember reported. */
  snapshot: string;
  /** Of `snapshot`: spots an unchanged statement. */
  hash: string;
  /** Null: the store matched it at the last cycle. */
  drift: DriftReason | null;
  drift_detail: string | null;
  /**
   * Member version at which the store matches this, now or once its planned change applies (if never applied, the next
   * cycle compares again).
   */
  settled_version: number | null;
  updated_at: string;
}

export interface LeaseTable {
  name: string;
  holder: string;
  /** Epoch ms. */
  expires_at: number;
  acquired_at: string;
}

/** One row (id 1), moved by triggers on API key or workspace settings changes. */
export interface AuthGenerationTable {
  id: number;
  generation: number;
}

/** An applied change, numbered per workspace in commit order. */
export interface EventTable {
  workspace_id: string;
  seq: number;
  id: string;
  type: string;
  occurred_at: string;
  source: string;
  run_id: string | null;
  data: string;
}

/** Null workspace_id: every workspace's events. */
export interface WebhookEndpointTable {
  id: string;
  workspace_id: string | null;
  url: string;
  /** JSON type patterns (`member.*`); null: all. */
  event_types: string | null;
  /** Never printed after creation, never logged. */
  secret: string;
  status: 'active' | 'failing' | 'disabled';
  failing_since: string | null;
  status_reason: string | null;
  created_at: string;
  updated_at: string;
}

/** Per endpoint and workspace: last sequence accepted, next event's retry state. */
export interface WebhookCursorTable {
  endpoint_id: string;
  workspace_id: string;
  last_seq: number;
  attempts: Generated<number>;
  first_failed_at: string | null;
  next_attempt_at: string | null;
  last_error: string | null;
  /** Moved by replay or enable from outside the delivering process. */
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
