/** A read on `Store.heavyReads` that ran past its time limit and was stopped (PostgreSQL's server cancels its own: code 57014). */
export class QueryTimeout extends Error {
  constructor(readonly timeoutMs: number) {
    super(`the query ran longer than ${timeoutMs} ms and was stopped`);
    this.name = 'QueryTimeout';
  }
}
