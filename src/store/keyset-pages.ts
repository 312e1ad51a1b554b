/**
 * Reads a listing in pages by keyset: `readPage(after, limit)` returns up to `limit` rows ordered by key, all with
 * keys greater than `after` ('' for the first page). A page shorter than `limit` is the last.
 */
export async function* keysetPages<Row>(pageSize: number, keyOf: (row: Row) => string, readPage: (after: string, limit: number) => Promise<Row[]>): AsyncGenerator<Row[]> {
  let after = '';
  for (;;) {
    const rows = await readPage(after, pageSize);
    if (rows.length > 0) yield rows;
    if (rows.length < pageSize) return;
    after = keyOf(rows[rows.length - 1]!);
  }
}
