import { expect } from 'vitest';
import type { ChangeSet, Snapshot } from '../../src/connector/connector.js';
import { ConnectorError } from '../../src/connector/connector-error.js';
import type { RemovedMember, SnapshotMember } from '../../src/connector/snapshot-member.js';

/** Every member a snapshot streams, in order. */
export async function drain(snapshot: Snapshot): Promise<SnapshotMember[]> {
  const out: SnapshotMember[] = [];
  for await (const m of snapshot.members) out.push(m);
  return out;
}

/** Every change a change set streams, in order. */
export async function drainChanges(set: ChangeSet): Promise<(SnapshotMember | RemovedMember)[]> {
  const out: (SnapshotMember | RemovedMember)[] = [];
  for await (const c of set.changes) out.push(c);
  return out;
}

/** The ConnectorError a call rejects with; fails the test if it resolves or rejects with anything else. */
export async function failure(run: () => Promise<unknown>): Promise<ConnectorError> {
  const error = await run().then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ConnectorError);
  return error as ConnectorError;
}
