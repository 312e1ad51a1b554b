import { RosterdError } from '../error/rosterd-error.js';

/** Another process held the database's write lock past the wait: the write changed nothing and can be retried. */
export class DatabaseBusy extends RosterdError {
  constructor(readonly waitedMs: number) {
    super('ROSTERD_E_DATABASE', `the database stayed locked by another process for ${waitedMs} ms, so nothing was written; retry, or find the process holding a write transaction open`);
    this.name = 'DatabaseBusy';
  }
}
