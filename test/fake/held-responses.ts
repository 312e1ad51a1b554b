import type { ServerResponse } from 'node:http';

/**
 * Responses a fake IdP holds open without answering (a hanging request), and tests waiting for some to be held.
 * A client that gives up on a held request closes it, which drops it from the set.
 */
export class HeldResponses {
  private readonly responses = new Set<ServerResponse>();
  private readonly waiters: { count: number; resolve: () => void }[] = [];

  /** Requests held open right now. */
  get count(): number {
    return this.responses.size;
  }

  /** Resolves once at least `count` requests are held open at the same time. */
  whenHeld(count = 1): Promise<void> {
    if (this.responses.size >= count) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push({ count, resolve }));
  }

  hold(res: ServerResponse): void {
    this.responses.add(res);
    res.once('close', () => this.responses.delete(res));
    for (const waiter of [...this.waiters]) {
      if (this.responses.size < waiter.count) continue;
      this.waiters.splice(this.waiters.indexOf(waiter), 1);
      waiter.resolve();
    }
  }

  /** Drops the connections of held requests: their clients see the connection reset. */
  releaseAll(): void {
    for (const res of this.responses) res.destroy();
    this.responses.clear();
  }
}
