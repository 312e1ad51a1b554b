import type { Kysely } from 'kysely';
import type { ConnectorError } from '../connector/connector-error.js';
import type { DriftReason } from '../model/drift.js';
import type { ChangeAction } from '../model/plan.js';
import type { Database, RunResult } from '../store/database.js';
import type { DriftCount } from './tally.js';

// The contract between a pull cycle's callers (CLI `reconcile`, the daemon's scheduler) and the reconciler.

export interface ReconcileRequest {
  workspaceId: string;
  binding?: string;
  /** auto: incremental unless a full read is due; full: re-read everything; user: one member. */
  mode: 'auto' | 'full' | 'user';
  user?: string;
  dryRun: boolean;
  /** Deletions to let through even beyond the workspace's deletion budget. */
  allowDeletes?: number;
  trigger: 'cli' | 'schedule';
  instance?: string;
  /** Aborts between pages and apply batches, and the IdP request in flight; commits stay. */
  signal?: AbortSignal;
  fence?: LeaseFence;
  onProgress?: (progress: ReconcileProgress) => void;
}

export interface ReconcileProgress {
  phase: 'read' | 'compare' | 'apply';
  read: number;
  compared: number;
  applied: number;
  total: number;
}

export interface DriftSummary {
  count: number;
  reasons: Partial<Record<DriftReason, DriftCount>>;
}

export interface ReconcileOutcome {
  runId: string;
  planId: string | null;
  /**
   * drift: allowed changes applied, members still differ. refused: over the deletion budget, kept pending. failed:
   * an error or a partial read (what was read is applied).
   */
  result: RunResult;
  summary: Record<ChangeAction, number>;
  drift: DriftSummary;
  warnings: string[];
  membersRead: number;
  /** An incomplete read never deactivates or removes anyone. */
  complete: boolean;
  mode: 'full' | 'incremental' | 'user';
  /** E.g. "applied 45 creates; refused 5 (no builder seats left)". */
  message: string;
  /** Incremental cycles: users replanned from the binding's records. */
  driftCheck?: { members: number; seconds: number };
  error?: string;
  errorCode?: string;
  /** Whether retrying soon can help (throttling) or not (credentials). */
  errorReason?: ConnectorError['reason'];
}

/** False once the lease passed to another instance: the batch then rolls back. */
export type LeaseFence = (trx: Kysely<Database>) => Promise<boolean>;
