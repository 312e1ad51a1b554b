import type { ChangeSet, Snapshot } from './connector.js';
import type { RemovedMember, SnapshotMember } from './snapshot-member.js';

/** Final only once the stream ends. */
export interface ReadOutcome {
  readonly complete: boolean;
  readonly problems: readonly string[];
  readonly cursor: string | null;
  readonly resyncRequired?: boolean;
}

/** Live getters, so a caller reading them after the stream sees what it found. */
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
