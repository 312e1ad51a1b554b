/**
 * Pages from an async source, reading one page ahead so IdP round trips overlap the caller's work. An abort ends the
 * wait at once even if the source does not stop, so a hung IdP request cannot hold up a shutdown.
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
    // A caller that stops early leaves one read in flight: its failure must not be an unhandled rejection.
    next.catch(() => undefined);
  }
}

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
