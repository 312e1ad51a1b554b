/** Called with the workspace and its last event sequence whenever events of it commit. */
export type EventListener = (workspaceId: string, seq: number) => void;

/**
 * Tells waiters in this process that a workspace's events have committed: the apply announces its own commits,
 * and PostgreSQL's LISTEN (pg-event-listener.ts) or the cluster primary announce those of other processes. Waiting
 * costs nothing until then: no polling of the database.
 */
export class EventBus {
  private readonly listeners = new Set<EventListener>();
  private readonly waiters = new Map<string, Set<(seq: number) => void>>();
  /** The highest sequence announced per workspace. */
  private readonly known = new Map<string, number>();

  /** Announce that `workspaceId`'s events up to `seq` have committed. */
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

  /** Call `listener` at every announcement; returns the function that stops it. */
  subscribe(listener: EventListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /**
   * Resolves with true once an event of `workspaceId` after `afterSeq` is announced (at once if one already was),
   * with false after `timeoutMs` or when `signal` aborts.
   */
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
      // An announcement the caller had already read past (it read the log before waiting) keeps it waiting.
      const wake = (seq: number) => (seq > afterSeq ? done(true) : enlist());
      const aborted = () => done(false);
      const timer = setTimeout(() => done(false), timeoutMs);
      signal?.addEventListener('abort', aborted, { once: true });
      enlist();
    });
  }

  /** Resolves once any workspace's events are announced, or after `timeoutMs` or an abort: for the all-workspaces feed. */
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
