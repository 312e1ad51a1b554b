import type { ChangeSet, Snapshot } from '../../src/connector/connector.js';
import type { RemovedMember, SnapshotMember } from '../../src/connector/snapshot-member.js';

/**
 * What a snapshot or change set knows once its stream has been read: complete only when every page was read
 * (never before the stream ends), the problems for the plan's warnings (capped, so 100,000 unparseable credit
 * limits do not make 100,000 warnings), and the cursor for the next cycle.
 */
const MAX_PROBLEMS = 50;

export class RunState {
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

  /** The Snapshot handed to the caller; its flags are live getters, read after the stream ends. */
  snapshot(members: AsyncIterable<SnapshotMember>): Snapshot {
    const state = this;
    return {
      members,
      get complete() {
        return state.complete;
      },
      get problems() {
        return state.problems;
      },
      get cursor() {
        return state.cursor;
      },
    };
  }

  changeSet(changes: AsyncIterable<SnapshotMember | RemovedMember>): ChangeSet {
    const state = this;
    return {
      changes,
      get complete() {
        return state.complete;
      },
      get problems() {
        return state.problems;
      },
      get cursor() {
        return state.cursor;
      },
      get resyncRequired() {
        return state.resyncRequired;
      },
    };
  }
}
