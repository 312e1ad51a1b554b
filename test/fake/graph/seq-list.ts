/**
 * An insertion-ordered collection that pages by a stable position (the item's sequence number), the way a
 * real `$skiptoken` does: deleting an item while a client is paging neither skips nor repeats the others, and a
 * page is found by binary search, so serving 100,000 items page by page stays O(n log n), not O(n²).
 */
export class SeqList<T> {
  private seqs: number[] = [];
  private items: (T | undefined)[] = [];
  private readonly index = new Map<string, number>();
  private live = 0;
  private nextSeq = 1;

  constructor(private readonly keyOf: (item: T) => string) {}

  get size(): number {
    return this.live;
  }

  has(key: string): boolean {
    return this.index.has(key);
  }

  get(key: string): T | undefined {
    const at = this.index.get(key);
    return at === undefined ? undefined : this.items[this.position(at)];
  }

  /** Appends, or replaces in place when the key exists (keeping its position). */
  put(item: T): void {
    const key = this.keyOf(item);
    const at = this.index.get(key);
    if (at !== undefined) {
      this.items[this.position(at)] = item;
      return;
    }
    const seq = this.nextSeq++;
    this.seqs.push(seq);
    this.items.push(item);
    this.index.set(key, seq);
    this.live++;
  }

  delete(key: string): boolean {
    const at = this.index.get(key);
    if (at === undefined) return false;
    this.items[this.position(at)] = undefined;
    this.index.delete(key);
    this.live--;
    // Compact once tombstones dominate, so long-lived fakes do not grow without bound.
    if (this.seqs.length > 64 && this.live < this.seqs.length / 2) this.compact();
    return true;
  }

  clear(): void {
    this.seqs = [];
    this.items = [];
    this.index.clear();
    this.live = 0;
  }

  /**
   * Up to `limit` items after position `after` (0 = from the start) that pass `keep`, and the position to
   * continue from, or null when nothing is left.
   */
  page(after: number, limit: number, keep: (item: T) => boolean = () => true): { items: T[]; next: number | null } {
    const out: T[] = [];
    let i = this.firstAfter(after);
    for (; i < this.seqs.length && out.length < limit; i++) {
      const item = this.items[i];
      if (item !== undefined && keep(item)) out.push(item);
    }
    // Skip trailing tombstones so the last page does not promise a next one that would be empty.
    while (i < this.seqs.length && this.items[i] === undefined) i++;
    return { items: out, next: i < this.seqs.length ? this.seqs[i - 1]! : null };
  }

  *values(): IterableIterator<T> {
    for (const item of this.items) if (item !== undefined) yield item;
  }

  private firstAfter(seq: number): number {
    let lo = 0;
    let hi = this.seqs.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.seqs[mid]! <= seq) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  private position(seq: number): number {
    return this.firstAfter(seq - 1);
  }

  private compact(): void {
    const seqs: number[] = [];
    const items: T[] = [];
    for (let i = 0; i < this.seqs.length; i++) {
      const item = this.items[i];
      if (item !== undefined) {
        seqs.push(this.seqs[i]!);
        items.push(item);
      }
    }
    this.seqs = seqs;
    this.items = items;
  }
}
