/** `readPage(after, limit)`: up to `limit` rows keyed above `after` ('' first), in key order. */
export async function* keysetPages<Row>(pageSize: number, keyOf: (row: Row) => string, readPage: (after: string, limit: number) => Promise<Row[]>): AsyncGenerator<Row[]> {
  let after = '';
  for (;;) {
    const rows = await readPage(after, pageSize);
    if (rows.length > 0) yield rows;
    if (rows.length < pageSize) return;
    after = keyOf(rows[rows.length - 1]!);
  }
}
