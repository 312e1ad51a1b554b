import type { ReadOutcome } from '../../src/connector/live-snapshot.js';

/** The most problems a read keeps; the rest are counted, so 100,000 unparseable credit limits do not make 100,000 warnings. */
const MAX_PROBLEMS = 50;

/**
 * What a snapshot or change set knows once its stream has been read: complete only when every page was read
 * (never before the stream ends), the problems for the plan's warnings, and the cursor for the next cycle. The
 * connector hands it to liveSnapshot or liveChangeSet, whose getters read it after the stream ends.
 */
export class RunState implements ReadOutcome {
  cursor: string | null = null;
  resyncRequired = false;
  private finished = false;
  private failed = false;
  private readonly notes: string[] = [];
  private dropped = 0;

  get complete(): boolean {
    return this.finished && !this.failed;
  }

  get problems(): readonly string[] {
    return this.dropped > 0 ? [...this.notes, `…and ${this.dropped} more problems`] : this.notes;
  }

  note(problem: string): void {
    if (this.notes.length < MAX_PROBLEMS) this.notes.push(problem);
    else this.dropped++;
  }

  /** Paging stopped: the result is partial. The cursor stays as it was (the next cycle starts from there). */
  incomplete(problem: string): void {
    this.failed = true;
    this.finished = true;
    // First and never dropped by the cap: it is the reason the result cannot be trusted as a whole.
    this.notes.unshift(problem);
  }

  /** The cursor is no longer valid: the caller must take a full snapshot. */
  resync(problem: string): void {
    this.resyncRequired = true;
    this.cursor = null;
    this.incomplete(problem);
  }

  finish(cursor: string | null): void {
    this.finished = true;
    if (!this.failed) this.cursor = cursor;
  }
}
