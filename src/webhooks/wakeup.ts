/** A `wake()` while the loop is busy ends its next sleep at once, so no announcement between sleeps is lost. */
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
