/**
 * Pages of `size` items from an async source, reading the next page while the caller works on the current one:
 * the IdP's network round trips overlap the store lookups and plan writes instead of alternating with them.
 * At most one page is read ahead, so memory stays bounded. An abort of `signal` ends the wait for a page at once
 * (with the signal's reason), whether or not the source itself stops: a hung IdP request cannot hold a shutdown.
 */
export async function* readAhead<T>(source: AsyncIterable<T>, size: number, signal?: AbortSignal): AsyncGenerator<T[]> {
  const iterator = source[Symbol.asyncIterator]();
  const fill = async (): Promise<{ page: T[]; done: boolean }> => {
    const page: T[] = [];
    while (page.length < size) {
      const step = await iterator.next();
      if (step.done) return { page, done: true };
      page.push(step.value);
    }
    return { page, done: false };
  };
  let next = fill();
  try {
    for (;;) {
      const { page, done } = await (signal ? untilAborted(next, signal) : next);
      if (done) {
        if (page.length) yield page;
        return;
      }
      next = fill();
      yield page;
    }
  } finally {
    // A caller that stops early leaves one read in flight: its failure must not become an unhandled rejection.
    next.catch(() => undefined);
  }
}

/** `promise`, or a rejection with the signal's reason as soon as it aborts. */
export function untilAborted<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(signal.reason as Error);
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason as Error);
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(error as Error);
      },
    );
  });
}
