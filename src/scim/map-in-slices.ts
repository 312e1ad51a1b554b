import { yieldIfDue } from '../store/event-loop-slices.js';

/**
 * `items.map(map)`, giving the event loop a turn between items whenever its slice is spent (event-loop-slices.ts):
 * rendering a page of 1,000 resources takes tens of milliseconds, which other tenants' requests should not wait
 * for in one piece.
 */
export async function mapInSlices<T, R>(items: readonly T[], map: (item: T) => R): Promise<R[]> {
  const out = new Array<R>(items.length);
  for (let i = 0; i < items.length; i++) {
    out[i] = map(items[i]!);
    // Checking the clock every 32 items keeps its cost out of small pages.
    if ((i & 31) === 31) await yieldIfDue();
  }
  return out;
}
