import { badRequest } from './graph-errors.js';

/**
 * The state a `/users/delta` link carries. Graph's tokens are opaque and already encode the first request's
 * `$select` (never re-add query parameters to a nextLink or deltaLink); these do the same,
 * so a client that drops or re-adds `$select` on a later round still gets the originally selected properties.
 */
export type DeltaState =
  /** Paging through the initial round: users after creation position `after`; `mark` = change sequence when the round began. */
  | { phase: 'initial'; epoch: number; select: string[] | null; mark: number; after: number }
  /** Paging through changes in (`from`, `to`]; `offset` into that round's list of changed users. */
  | { phase: 'changes'; epoch: number; select: string[] | null; from: number; to: number; offset: number }
  /** A finished round's deltaLink: the next round reports changes after `mark`. */
  | { phase: 'delta'; epoch: number; select: string[] | null; mark: number };

export function encodeDeltaToken(state: DeltaState): string {
  return Buffer.from(JSON.stringify(state)).toString('base64url');
}

export function decodeDeltaToken(token: string): DeltaState {
  try {
    const state = JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as DeltaState;
    if (state && typeof state === 'object' && ['initial', 'changes', 'delta'].includes(state.phase)) return state;
  } catch {
    // fall through to the Graph-shaped error below
  }
  throw badRequest('The provided delta token is malformed.', 'Request_BadRequest');
}

/** Opaque `$skiptoken` for plain collections: the paging position and nothing a client should parse. */
export function encodeSkipToken(after: number): string {
  return Buffer.from(`pos:${after}`).toString('base64url');
}

export function decodeSkipToken(token: string | null): number {
  if (token === null) return 0;
  const match = /^pos:(\d+)$/.exec(Buffer.from(token, 'base64url').toString('utf8'));
  if (!match) throw badRequest('The skip token is malformed.');
  return Number(match[1]);
}
