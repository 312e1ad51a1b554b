import { setFlagsFromString } from 'node:v8';

let active = 0;

/**
 * Runs `work` with V8's old generation growing at most `percent` past the last full GC's live set: cycles churn
 * garbage over a small live set, and default growth balloons memory. A factor, not a cap, so large workspaces still
 * fit. The flag is process-wide, so it is set only while cycles run. `percent` 0 leaves V8 alone.
 */
export async function withBoundedHeapGrowth<T>(percent: number, work: () => Promise<T>, setFlags: (flags: string) => void = setFlagsFromString): Promise<T> {
  if (percent <= 0) return work();
  if (active++ === 0) setFlags(`--heap-growing-percent=${percent}`);
  try {
    return await work();
  } finally {
    // 0 restores V8's dynamic factor.
    if (--active === 0) setFlags('--heap-growing-percent=0');
  }
}
