import type { Kysely } from 'kysely';
import type { ConnectorError } from '../connector/connector-error.js';
import type { DriftReason } from '../model/drift.js';
import type { ChangeAction } from '../model/plan.js';
import type { Database, RunResult } from '../store/database.js';
import type { DriftCount } from './tally.js';

// What one pull cycle is asked to do and what it reports back: the contract between the callers (the CLI's
// `reconcile`, the daemon's scheduler) and the reconciler. Exit codes are the CLI's to derive from the outcome.

export interface ReconcileRequest {
  workspaceId: string;
  /** Which of the workspace's bindings (by name); default: its first. */
  binding?: string;
  /** auto: incremental from the binding's cursor unless a full read is due; full: re-read everything; user: one member. */
  mode: 'auto' | 'full' | 'user';
  /** mode user: the member's externalId or userName. */
  user?: string;
  /** Compute and keep the plan, apply nothing. */
  dryRun: boolean;
  /** Let this many deactivations and removals through even when the workspace's deletion budget is smaller. */
  allowDeletes?: number;
  trigger: 'cli' | 'schedule';
  /** Which process ran it (hostname:pid), recorded on the run. */
  instance?: string;
  /** Aborts between pages and between apply batches, and the IdP request in flight; what is committed stays committed. */
  signal?: AbortSignal;
  /** The schedule lease the cycle runs under (lease-repository.ts `confirmLease`): each apply batch checks it first. */
  fence?: LeaseFence;
  onProgress?: (progress: ReconcileProgress) => void;
}

export interface ReconcileProgress {
  phase: 'read' | 'compare' | 'apply';
  /** Members read from the IdP so far. */
  read: number;
  /** Members compared with the store so far. */
  compared: number;
  /** Changes applied so far, of `total` (apply phase). */
  applied: number;
  total: number;
}

/** Members left differing from the IdP, by reason. */
export interface DriftSummary {
  count: number;
  reasons: Partial<Record<DriftReason, DriftCount>>;
}

export interface ReconcileOutcome {
  runId: string;
  /** Null when nothing was planned (the run failed before a plan existed, or there was nothing to keep). */
  planId: string | null;
  /**
   * no_changes: the workspace matches the IdP. applied: it does now. drift: what the policy allows was applied and
   * members still differ (`drift` says why). planned: a dry run. refused: over the deletion budget, kept pending.
   * failed: an error, or an IdP read that stopped partway (what was read is applied). aborted: a shutdown interrupted it.
   */
  result: RunResult;
  /** Changes applied per action; for a dry run, planned per action. */
  summary: Record<ChangeAction, number>;
  /** What the run left (a dry run: would leave) out of line. */
  drift: DriftSummary;
  warnings: string[];
  /** Members read from the IdP. */
  membersRead: number;
  /** Whether the IdP read was complete; an incomplete one never deactivates or removes anyone. */
  complete: boolean;
  /** What was read: everything, the changes since the cursor, or one user. */
  mode: 'full' | 'incremental' | 'user';
  /** One line for people: "applied 45 creates; refused 5 (no builder seats left)". */
  message: string;
  /** An incremental cycle: the users it planned again from the binding's records (out of line, or written elsewhere since), and how long that took. */
  driftCheck?: { members: number; seconds: number };
  error?: string;
  /** The catalogued code of a failure (ROSTERD_E_CONNECTOR when the IdP could not be read, …). */
  errorCode?: string;
  /** Why the connector failed, when it did: whether trying again soon can help (throttling) or not (credentials). */
  errorReason?: ConnectorError['reason'];
}

/**
 * Run first in each apply batch's transaction: false when the cycle's lease has passed to another instance, and
 * the batch then rolls back and the apply stops. While the transaction lasts, nobody else can take the lease.
 */
export type LeaseFence = (trx: Kysely<Database>) => Promise<boolean>;
