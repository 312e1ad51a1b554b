import { describe, expect, it } from 'vitest';
import { readAhead } from '../../../src/reconcile/read-ahead.js';

async function* numbers(n: number, log: string[]): AsyncGenerator<number> {
  for (let i = 1; i <= n; i++) {
    log.push(`read ${i}`);
    yield i;
  }
}

describe('readAhead', () => {
  it('pages the source in order, the last page short', async () => {
    const pages: number[][] = [];
    for await (const page of readAhead(numbers(7, []), 3)) pages.push(page);
    expect(pages).toEqual([[1, 2, 3], [4, 5, 6], [7]]);
  });

  it('reads the next page while the caller works on the current one, and no further', async () => {
    const log: string[] = [];
    for await (const page of readAhead(numbers(6, log), 2)) {
      await new Promise((resolve) => setTimeout(resolve, 5));
      log.push(`work ${page.join(',')}`);
    }
    expect(log).toEqual(['read 1', 'read 2', 'read 3', 'read 4', 'work 1,2', 'read 5', 'read 6', 'work 3,4', 'work 5,6']);
  });

  it('gives nothing for an empty source, and a stopped caller leaves no unhandled failure', async () => {
    const pages: number[][] = [];
    for await (const page of readAhead(numbers(0, []), 2)) pages.push(page);
    expect(pages).toEqual([]);
    async function* failing(): AsyncGenerator<number> {
      yield 1;
      yield 2;
      throw new Error('IdP went away');
    }
    for await (const page of readAhead(failing(), 2)) {
      expect(page).toEqual([1, 2]);
      break;
    }
  });
});
