import { describe, expect, it } from 'vitest';
import { liveChangeSet, liveSnapshot } from '../../../src/connector/live-snapshot.js';
import type { SnapshotMember } from '../../../src/connector/snapshot-member.js';

describe('liveSnapshot and liveChangeSet', () => {
  it('read the state as the stream left it, not as it was when they were made', async () => {
    const state = { complete: false, problems: [] as string[], cursor: null as string | null };
    const members = (async function* (): AsyncGenerator<SnapshotMember> {
      state.problems.push('one problem');
      state.complete = true;
      state.cursor = 'next';
    })();
    const snapshot = liveSnapshot(members, state);
    expect(snapshot).toMatchObject({ complete: false, problems: [], cursor: null });
    for await (const _ of snapshot.members);
    expect(snapshot).toMatchObject({ complete: true, problems: ['one problem'], cursor: 'next' });
  });

  it('report resyncRequired live, and false for a state that never asks for one', () => {
    const state = { complete: true, problems: [], cursor: 'c', resyncRequired: false };
    const changes = liveChangeSet((async function* () {})(), state);
    expect(changes.resyncRequired).toBe(false);
    state.resyncRequired = true;
    expect(changes.resyncRequired).toBe(true);
    expect(liveChangeSet((async function* () {})(), { complete: true, problems: [], cursor: null }).resyncRequired).toBe(false);
  });
});
