import type { Kysely } from 'kysely';
import { emptySummary, type Change } from '../model/plan.js';
import type { Database } from '../store/database.js';
import { appendPlanChanges } from '../store/plan-repository.js';
import { confirmSynced, deletePulled, writePulled } from '../store/pulled-member-repository.js';
import { isDeprovision } from './diff.js';
import type { DiffPage } from './differ.js';
import { Tally } from './tally.js';

export interface RecordTarget {
  workspaceId: string;
  binding: string;
  now: string;
}

/**
 * Streams plan rows and user records to the store while the caller reads the next page, keeping only counts in
 * memory. Two independent lanes, each with one ordered write in flight, so memory stays bounded.
 */
export class PlanWriter {
  readonly summary = emptySummary();
  count = 0;
  deletions = 0;
  readonly planned = new Tally();
  private readonly changeLane = new WriteLane();
  private readonly recordLane = new WriteLane();

  constructor(
    private readonly db: Kysely<Database>,
    private readonly planId: string,
    private readonly target?: RecordTarget,
  ) {}

  /** A failed write is thrown here or by `flush`. */
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

  async record(page: Pick<DiffPage, 'records' | 'forget' | 'confirms'>): Promise<void> {
    const target = this.target;
    if (!target || (page.records.length === 0 && page.forget.length === 0 && page.confirms.length === 0)) return;
    await this.recordLane.enqueue(async () => {
      if (page.forget.length) await deletePulled(this.db, target.workspaceId, target.binding, page.forget);
      if (page.records.length) await writePulled(this.db, target.workspaceId, target.binding, page.records, target.now);
      if (page.confirms.length) await confirmSynced(this.db, target.workspaceId, page.confirms);
    });
  }

  /** Waits for both lanes, then throws the first failure. */
  async flush(): Promise<void> {
    const [changes, records] = await Promise.allSettled([this.changeLane.flush(), this.recordLane.flush()]);
    if (changes.status === 'rejected') throw changes.reason;
    if (records.status === 'rejected') throw records.reason;
  }
}

class WriteLane {
  private inFlight: Promise<void> = Promise.resolve();
  private failure: { error: unknown } | null = null;

  async flush(): Promise<void> {
    await this.inFlight;
    if (this.failure) throw this.failure.error;
  }

  async enqueue(write: () => Promise<void>): Promise<void> {
    await this.flush();
    // Caught at once: an unawaited rejection would end the process.
    this.inFlight = write().catch((error: unknown) => {
      this.failure = { error };
    });
  }
}
