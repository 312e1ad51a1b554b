/**
 * Pages of `size` items from an async source, reading the next page while the caller works on the current one:
 * the IdP's network round trips overlap the store lookups and plan writes instead of alternating with them.
 * At most one page is read ahead, so memory stays bounded.
 */
export async function* readAhead<T>(source: AsyncIterable<T>, size: number): AsyncGenerator<T[]> {
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
      const { page, done } = await next;
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
