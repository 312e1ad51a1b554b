import type { Kysely } from 'kysely';
import type { Database } from '../store/database.js';
import { QueryTimeout } from '../store/sqlite-read-workers.js';
import type { ScimContext } from './scim-context.js';
import { ScimError } from './scim-error.js';

/** PostgreSQL's SQLSTATE for a statement cancelled by statement_timeout (query_canceled). */
const QUERY_CANCELED = '57014';

function timedOut(error: unknown): boolean {
  return error instanceof QueryTimeout || (error as { code?: unknown } | null)?.code === QUERY_CANCELED;
}

/**
 * Run an expensive read (a filtered or paged list, a group's members) on the store's `heavyReads`: off the event
 * loop, on connections lookups and writes do not use, and stopped after scim.budgets.queryTimeoutMs. A read stopped
 * for time is the client's to narrow: 400 tooMany (RFC 7644 §3.12). It takes no turn of its own: it runs inside a
 * request's turn (`inHeavyTurn`), or answers a write that is already made, which must not be refused afterwards.
 */
export async function offLoopRead<T>(ctx: ScimContext, read: (db: Kysely<Database>) => Promise<T>): Promise<T> {
  try {
    return await read(ctx.store.heavyReads);
  } catch (error) {
    if (!timedOut(error)) throw error;
    throw new ScimError(
      400,
      'tooMany',
      `the query ran longer than ${ctx.budgets.queryTimeoutMs} ms (scim.budgets.queryTimeoutMs) and was stopped; narrow the filter (eq or sw instead of co, fewer terms) or ask for smaller pages`,
    );
  }
}

/** An expensive request, all of its reads included, in one of its workspace's turns (heavy-request-gate.ts). */
export function inHeavyTurn<T>(ctx: ScimContext, work: () => Promise<T>): Promise<T> {
  return ctx.heavyGate.run(ctx.workspace.id, work);
}

/** One expensive read in a turn of its own. */
export function heavyRead<T>(ctx: ScimContext, read: (db: Kysely<Database>) => Promise<T>): Promise<T> {
  return inHeavyTurn(ctx, () => offLoopRead(ctx, read));
}
