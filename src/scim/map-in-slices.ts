import { yieldIfDue } from '../store/event-loop-slices.js';

/** Yields between slices so a large page doesn't stall other tenants. */
export async function mapInSlices<T, R>(items: readonly T[], map: (item: T) => R): Promise<R[]> {
  const out = new Array<R>(items.length);
  for (let i = 0; i < items.length; i++) {
    out[i] = map(items[i]!);
    // Checking the clock every few items keeps its cost out of small pages.
    if ((i & 31) === 31) await yieldIfDue();
  }
  return out;
}
