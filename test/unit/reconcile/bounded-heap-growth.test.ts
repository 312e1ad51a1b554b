import { describe, expect, it } from 'vitest';
import { withBoundedHeapGrowth } from '../../../src/reconcile/bounded-heap-growth.js';

describe('withBoundedHeapGrowth', () => {
  it('sets the growth for the work and restores V8 default afterwards, even when the work fails', async () => {
    const flags: string[] = [];
    const set = (f: string) => flags.push(f);
    await expect(withBoundedHeapGrowth(50, async () => 'done', set)).resolves.toBe('done');
    await expect(withBoundedHeapGrowth(30, async () => Promise.reject(new Error('IdP down')), set)).rejects.toThrow('IdP down');
    expect(flags).toEqual(['--heap-growing-percent=50', '--heap-growing-percent=0', '--heap-growing-percent=30', '--heap-growing-percent=0']);
  });

  it('keeps the setting while any overlapping cycle still runs', async () => {
    const flags: string[] = [];
    const set = (f: string) => flags.push(f);
    let releaseFirst!: () => void;
    const first = withBoundedHeapGrowth(50, () => new Promise<void>((resolve) => (releaseFirst = resolve)), set);
    await withBoundedHeapGrowth(50, async () => undefined, set);
    expect(flags).toEqual(['--heap-growing-percent=50']);
    releaseFirst();
    await first;
    expect(flags).toEqual(['--heap-growing-percent=50', '--heap-growing-percent=0']);
  });

  it('leaves V8 alone at 0', async () => {
    const flags: string[] = [];
    await withBoundedHeapGrowth(0, async () => undefined, (f) => flags.push(f));
    expect(flags).toEqual([]);
  });

  it('works with the real V8 flag', async () => {
    const kept = await withBoundedHeapGrowth(50, async () => Array.from({ length: 100_000 }, (_, i) => ({ i })).length);
    expect(kept).toBe(100_000);
  });
});
