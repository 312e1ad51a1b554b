/** At most `size` delivery requests in flight across endpoints; FIFO, and an aborted waiter leaves the queue. */
export class DeliverySlots {
  private free: number;
  private readonly queue: (() => void)[] = [];

  constructor(size: number) {
    this.free = size;
  }

  async acquire(signals: readonly AbortSignal[]): Promise<() => void> {
    for (const signal of signals) signal.throwIfAborted();
    if (this.free > 0) {
      this.free--;
      return this.releaser();
    }
    await new Promise<void>((resolve, reject) => {
      const stopListening = () => {
        for (const signal of signals) signal.removeEventListener('abort', aborted);
      };
      const grant = () => {
        stopListening();
        resolve();
      };
      function aborted(this: AbortSignal) {
        stopListening();
        const at = queue.indexOf(grant);
        if (at >= 0) queue.splice(at, 1);
        reject(this.reason as Error);
      }
      const queue = this.queue;
      for (const signal of signals) signal.addEventListener('abort', aborted, { once: true });
      queue.push(grant);
    });
    return this.releaser();
  }

  private releaser(): () => void {
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const next = this.queue.shift();
      // The slot passes straight to the next waiter.
      if (next) next();
      else this.free++;
    };
  }
}
