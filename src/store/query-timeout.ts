/** A SQLite `heavyReads` read stopped at its limit; PostgreSQL's own cancel is error 57014. */
export class QueryTimeout extends Error {
  constructor(readonly timeoutMs: number) {
    super(`the query ran longer than ${timeoutMs} ms and was stopped`);
    this.name = 'QueryTimeout';
  }
}
