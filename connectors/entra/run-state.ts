import type { ReadOutcome } from '../../src/connector/live-snapshot.js';

/** Beyond this, problems are only counted, so bad data doesn't flood the warnings. */
const MAX_PROBLEMS = 50;

/** Final once its stream ends; read through liveSnapshot's getters. */
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

  /** The cursor stays, so the next cycle starts there. */
  incomplete(problem: string): void {
    this.failed = true;
    this.finished = true;
    // Never capped: it is why the result cannot be trusted.
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
