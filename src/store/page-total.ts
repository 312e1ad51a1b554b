import type { ListPage } from './member-repository.js';

/**
 * The total of a paged list. A first page shorter than the page size already tells it (the common case: an
 * IdP looking up one user or group), so COUNT runs only when the rows alone cannot say.
 */
export async function pageTotal(page: ListPage, rowsRead: number, count: () => Promise<number>): Promise<number> {
  return page.offset === 0 && rowsRead < page.limit ? rowsRead : count();
}
