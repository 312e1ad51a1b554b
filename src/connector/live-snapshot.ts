import type { ChangeSet, Snapshot } from './connector.js';
import type { RemovedMember, SnapshotMember } from './snapshot-member.js';

/** The state of one read that its stream updates as it goes: final only once the stream has ended. */
export interface ReadOutcome {
  readonly complete: boolean;
  readonly problems: readonly string[];
  readonly cursor: string | null;
  /** Left out by a read that never asks for a full snapshot. */
  readonly resyncRequired?: boolean;
}

/**
 * The Snapshot handed to the caller: `complete`, `problems` and `cursor` are live getters over the read's state, so
 * the caller, reading them after the stream ends, sees what the stream found.
 */
export function liveSnapshot(members: AsyncIterable<SnapshotMember>, state: ReadOutcome): Snapshot {
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

/** The ChangeSet counterpart of liveSnapshot; `resyncRequired` is a live getter too. */
export function liveChangeSet(changes: AsyncIterable<SnapshotMember | RemovedMember>, state: ReadOutcome): ChangeSet {
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
      return state.resyncRequired ?? false;
    },
  };
}
