import type { Kysely } from 'kysely';
import type { Database } from '../store/database.js';
import { appendPlanChanges } from '../store/plan-repository.js';
import { isDeprovision } from './diff.js';
import { emptySummary, type Change } from './plan.js';

/**
 * Streams a plan's changes into the store as they are computed, keeping only the counts in memory. An insert
 * runs while the caller reads and compares the next page (on PostgreSQL a quarter of a 100,000-member cycle's
 * planning was spent waiting for them); one at most is in flight, so memory stays bounded by a page.
 */
export class PlanWriter {
  readonly summary = emptySummary();
  count = 0;
  /** Deactivations plus removals of members: what the deletion budget counts. */
  deletions = 0;
  private inFlight: Promise<void> = Promise.resolve();
  private failure: { error: unknown } | null = null;

  constructor(
    private readonly db: Kysely<Database>,
    private readonly planId: string,
  ) {}

  /** Starts writing `changes` once the previous write is done; a failed write is thrown here or by `flush`. */
  async write(changes: readonly Change[]): Promise<void> {
    if (changes.length === 0) return;
    await this.flush();
    // Caught at once and kept: a rejection nobody awaits yet would otherwise end the process.
    this.inFlight = appendPlanChanges(this.db, this.planId, this.count, changes).catch((error: unknown) => {
      this.failure = { error };
    });
    this.count += changes.length;
    for (const change of changes) {
      this.summary[change.action]++;
      if (change.kind === 'member' && isDeprovision(change)) this.deletions++;
    }
  }

  /** Every change written, or the first write's failure thrown. */
  async flush(): Promise<void> {
    await this.inFlight;
    if (this.failure) throw this.failure.error;
  }
}
