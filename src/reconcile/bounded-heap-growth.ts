import { setFlagsFromString } from 'node:v8';

/**
 * Run `work` with V8's old generation allowed to grow by at most `percent` over what the last full GC left.
 *
 * Why: a pull cycle keeps a small live set (the ids it has seen, one page, one apply batch) and turns over a great
 * deal of short-lived garbage. V8's default lets the old generation grow to up to 4× the live set before it
 * collects, so a 100,000-member cycle peaked at ~440 MB RSS over ~100 MB live; growing by 50% keeps it near
 * 270 MB for ~3% more time (bench/README.md). It is a growth factor, not a cap: a larger workspace still gets
 * the memory it needs, unlike --max-old-space-size, which would end the process instead.
 *
 * The flag is process-wide and read each time V8 recomputes its limits, so it is set for the cycle only and
 * V8's own heuristics come back afterwards (the SCIM server's short requests prefer those). Overlapping cycles
 * share one setting: the last to finish restores the default. `percent` 0 leaves V8 alone.
 */
let active = 0;

export async function withBoundedHeapGrowth<T>(percent: number, work: () => Promise<T>, setFlags: (flags: string) => void = setFlagsFromString): Promise<T> {
  if (percent <= 0) return work();
  if (active++ === 0) setFlags(`--heap-growing-percent=${percent}`);
  try {
    return await work();
  } finally {
    // 0 is V8's "use the dynamic factor".
    if (--active === 0) setFlags('--heap-growing-percent=0');
  }
}
