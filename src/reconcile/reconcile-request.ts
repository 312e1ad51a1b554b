import type { Kysely } from 'kysely';
import type { Database, RunResult } from '../store/database.js';
import type { ChangeAction } from './plan.js';

/**
 * What one pull cycle is asked to do and what it reports back: the contract between the callers (the CLI's
 * `reconcile`, the daemon's scheduler) and the reconciler.
 */
export interface ReconcileRequest {
  workspaceId: string;
  /** Which of the workspace's bindings (by name); default: its first. */
  binding?: string;
  /** auto: incremental from the binding's cursor when it has one, else full; full: re-read everything; user: one member. */
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
  /** Aborts between pages and between apply batches; what is committed stays committed. */
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

export interface ReconcileOutcome {
  runId: string;
  /** Null when nothing was planned (the run failed before a plan existed). */
  planId: string | null;
  result: RunResult;
  summary: Record<ChangeAction, number>;
  warnings: string[];
  /** Members read from the IdP. */
  membersRead: number;
  /** Whether the IdP read was complete; an incomplete one never deactivates or removes anyone. */
  complete: boolean;
  /** The CLI's exit code per ARCHITECTURE.md: 0 applied / nothing to do, 2 dry run with changes, 1 error, 3 refused by a safety rule. */
  exitCode: 0 | 1 | 2 | 3;
  /** One line for people: "applied 3 creates, 1 update" or why it was refused. */
  message: string;
  error?: string;
  /** The catalogued code of a failure (ROSTERD_E_CONNECTOR when the IdP could not be read, …). */
  errorCode?: string;
}

/**
 * Run first in each apply batch's transaction: false when the cycle's lease has passed to another instance, and
 * the batch then rolls back and the apply stops. While the transaction lasts, nobody else can take the lease.
 */
export type LeaseFence = (trx: Kysely<Database>) => Promise<boolean>;
