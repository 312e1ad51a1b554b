import type { Kysely } from 'kysely';
import type { Database } from '../store/database.js';
import { appendPlanChanges } from '../store/plan-repository.js';
import { isDeprovision } from './diff.js';
import { emptySummary, type Change } from './plan.js';

/** Streams a plan's changes into the store as they are computed, keeping only the counts in memory. */
export class PlanWriter {
  readonly summary = emptySummary();
  count = 0;
  /** Deactivations plus removals of members: what the deletion budget counts. */
  deletions = 0;

  constructor(
    private readonly db: Kysely<Database>,
    private readonly planId: string,
  ) {}

  async write(changes: readonly Change[]): Promise<void> {
    if (changes.length === 0) return;
    await appendPlanChanges(this.db, this.planId, this.count, changes);
    this.count += changes.length;
    for (const change of changes) {
      this.summary[change.action]++;
      if (change.kind === 'member' && isDeprovision(change)) this.deletions++;
    }
  }
}
