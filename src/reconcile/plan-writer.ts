import type { Kysely } from 'kysely';
import { emptySummary, type Change } from '../model/plan.js';
import type { Database } from '../store/database.js';
import { appendPlanChanges } from '../store/plan-repository.js';
import { confirmSynced, deletePulled, writePulled } from '../store/pulled-member-repository.js';
import { isDeprovision } from './diff.js';
import type { DiffPage } from './differ.js';
import { Tally } from './tally.js';

/** Where a cycle keeps what its binding's IdP said: the binding's records of its users. */
export interface RecordTarget {
  workspaceId: string;
  binding: string;
  now: string;
}

/**
 * Streams a plan's changes into the store as they are computed, with the binding's records of the users they concern,
 * keeping only the counts in memory. Writes run while the caller reads and compares the next page, in two lanes that
 * do not wait for each other (plan rows; records): on PostgreSQL they go over two connections at once. Each lane has
 * one write at most in flight, so memory stays bounded by a page per lane, and keeps its writes in order.
 */
export class PlanWriter {
  readonly summary = emptySummary();
  count = 0;
  /** Deactivations plus removals of members: what the deletion budget counts. */
  deletions = 0;
  /** The plan's skips that leave members out of line, by reason. */
  readonly planned = new Tally();
  private readonly changeLane = new WriteLane();
  private readonly recordLane = new WriteLane();

  constructor(
    private readonly db: Kysely<Database>,
    private readonly planId: string,
    private readonly target?: RecordTarget,
  ) {}

  /** Starts writing `changes` once the previous write is done; a failed write is thrown here or by `flush`. */
  async write(changes: readonly Change[]): Promise<void> {
    if (changes.length === 0) return;
    const first = this.count;
    this.count += changes.length;
    for (const change of changes) {
      this.summary[change.action]++;
      if (change.kind === 'member' && isDeprovision(change)) this.deletions++;
      this.planned.addPlanned(change);
    }
    await this.changeLane.enqueue(() => appendPlanChanges(this.db, this.planId, first, changes));
  }

  /** Starts writing a page's records of the binding's users (statements, drifts, forgotten users, confirmed members). */
  async record(page: Pick<DiffPage, 'records' | 'forget' | 'confirms'>): Promise<void> {
    const target = this.target;
    if (!target || (page.records.length === 0 && page.forget.length === 0 && page.confirms.length === 0)) return;
    await this.recordLane.enqueue(async () => {
      if (page.forget.length) await deletePulled(this.db, target.workspaceId, target.binding, page.forget);
      if (page.records.length) await writePulled(this.db, target.workspaceId, target.binding, page.records, target.now);
      if (page.confirms.length) await confirmSynced(this.db, target.workspaceId, page.confirms);
    });
  }

  /** Every change and record written, or, once neither lane has a write in flight, the first failure thrown. */
  async flush(): Promise<void> {
    const [changes, records] = await Promise.allSettled([this.changeLane.flush(), this.recordLane.flush()]);
    if (changes.status === 'rejected') throw changes.reason;
    if (records.status === 'rejected') throw records.reason;
  }
}

/** Writes run one after another, each started once the one before is done; the first failure is kept and thrown. */
class WriteLane {
  private inFlight: Promise<void> = Promise.resolve();
  private failure: { error: unknown } | null = null;

  async flush(): Promise<void> {
    await this.inFlight;
    if (this.failure) throw this.failure.error;
  }

  async enqueue(write: () => Promise<void>): Promise<void> {
    await this.flush();
    // Caught at once and kept: a rejection nobody awaits yet would otherwise end the process.
    this.inFlight = write().catch((error: unknown) => {
      this.failure = { error };
    });
  }
}
