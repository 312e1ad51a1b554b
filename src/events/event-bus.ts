export type EventListener = (workspaceId: string, seq: number) => void;

/** Wakes waiters in this process when a workspace's events commit, so waiting never polls the database. */
export class EventBus {
  private readonly listeners = new Set<EventListener>();
  private readonly waiters = new Map<string, Set<(seq: number) => void>>();
  /** Highest announced seq per workspace. */
  private readonly known = new Map<string, number>();

  published(workspaceId: string, seq: number): void {
    if ((this.known.get(workspaceId) ?? 0) >= seq) return;
    this.known.set(workspaceId, seq);
    const waiting = this.waiters.get(workspaceId);
    if (waiting) {
      this.waiters.delete(workspaceId);
      for (const wake of waiting) wake(seq);
    }
    for (const listener of this.listeners) listener(workspaceId, seq);
  }

  subscribe(listener: EventListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** True once an event after `afterSeq` is announced; false on timeout or abort. */
  waitFor(workspaceId: string, afterSeq: number, timeoutMs: number, signal?: AbortSignal): Promise<boolean> {
    if ((this.known.get(workspaceId) ?? 0) > afterSeq) return Promise.resolve(true);
    if (signal?.aborted || timeoutMs <= 0) return Promise.resolve(false);
    return new Promise((resolve) => {
      const enlist = () => {
        let waiting = this.waiters.get(workspaceId);
        if (!waiting) this.waiters.set(workspaceId, (waiting = new Set()));
        waiting.add(wake);
      };
      const done = (woken: boolean) => {
        clearTimeout(timer);
        signal?.removeEventListener('abort', aborted);
        const waiting = this.waiters.get(workspaceId);
        waiting?.delete(wake);
        if (waiting?.size === 0) this.waiters.delete(workspaceId);
        resolve(woken);
      };
      // The caller may already have read past this announcement; keep waiting then.
      const wake = (seq: number) => (seq > afterSeq ? done(true) : enlist());
      const aborted = () => done(false);
      const timer = setTimeout(() => done(false), timeoutMs);
      signal?.addEventListener('abort', aborted, { once: true });
      enlist();
    });
  }

  /** For the all-workspaces feed. */
  waitForAny(timeoutMs: number, signal?: AbortSignal): Promise<boolean> {
    if (signal?.aborted || timeoutMs <= 0) return Promise.resolve(false);
    return new Promise((resolve) => {
      const done = (woken: boolean) => {
        clearTimeout(timer);
        stop();
        signal?.removeEventListener('abort', aborted);
        resolve(woken);
      };
      const stop = this.subscribe(() => done(true));
      const aborted = () => done(false);
      const timer = setTimeout(() => done(false), timeoutMs);
      signal?.addEventListener('abort', aborted, { once: true });
    });
  }
}
