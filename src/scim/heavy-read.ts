import type { Kysely } from 'kysely';
import type { Database } from '../store/database.js';
import { QueryTimeout } from '../store/query-timeout.js';
import type { ScimContext } from './scim-context.js';
import { ScimError } from './scim-error.js';

/** SQLSTATE query_canceled (statement_timeout). */
const QUERY_CANCELED = '57014';

function timedOut(error: unknown): boolean {
  return error instanceof QueryTimeout || (error as { code?: unknown } | null)?.code === QUERY_CANCELED;
}

/**
 * Runs on the dedicated `heavyReads` connections. Takes no turn itself: it runs inside a request's turn, or answers
 * a write already made, which must not be refused afterwards.
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

/** All of a request's reads in one turn. */
export function inHeavyTurn<T>(ctx: ScimContext, work: () => Promise<T>): Promise<T> {
  return ctx.heavyGate.run(ctx.workspace.id, work);
}

export function heavyRead<T>(ctx: ScimContext, read: (db: Kysely<Database>) => Promise<T>): Promise<T> {
  return inHeavyTurn(ctx, () => offLoopRead(ctx, read));
}
