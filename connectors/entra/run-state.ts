import type { ReadOutcome } from '../../src/connector/live-snapshot.js';

/** Further problems are only counted, so bulk bad data doesn't flood the warnings. */
const MAX_PROBLEMS = 50;

/** A read's outcome, final once its stream ends; liveSnapshot/liveChangeSet read it through getters. */
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

  /** The cursor stays, so the next cycle starts from there. */
  incomplete(problem: string): void {
    this.failed = true;
    this.finished = true;
    // First and never capped: it is why the result cannot be trusted.
    this.notes.unshift(problem);
  }

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
