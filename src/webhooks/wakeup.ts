/**
 * Where a loop sleeps until there is work: `wake()` ends the current sleep, or the next one at once when it comes
 * while the loop is busy, so no announcement between two sleeps is lost.
 */
export class Wakeup {
  private pending = false;
  private resolve: (() => void) | null = null;

  wake(): void {
    if (this.resolve) {
      const resolve = this.resolve;
      this.resolve = null;
      resolve();
    } else {
      this.pending = true;
    }
  }

  /** Resolves on `wake()`, after `ms`, or when `signal` aborts, whichever is first. */
  sleep(ms: number, signal: AbortSignal): Promise<void> {
    if (this.pending || signal.aborted || ms <= 0) {
      this.pending = false;
      return Promise.resolve();
    }
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        signal.removeEventListener('abort', done);
        this.resolve = null;
        resolve();
      };
      const timer = setTimeout(done, ms);
      signal.addEventListener('abort', done, { once: true });
      this.resolve = done;
    });
  }
}
