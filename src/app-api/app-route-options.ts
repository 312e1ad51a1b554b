import type { FastifyRequest } from 'fastify';
import type { HeavyRequestGate } from '../scim/heavy-request-gate.js';
import type { Store } from '../store/create-db.js';
import type { AppPrincipal } from './app-auth.js';

/** What every app API route needs. */
export interface AppRouteOptions {
  store: Store;
  /** The gateway's turns for expensive reads, shared with SCIM: listings take one of their workspace's turns. */
  heavyGate: HeavyRequestGate;
}

declare module 'fastify' {
  interface FastifyRequest {
    appKey: AppPrincipal | null;
  }
}

/** The authenticated key of a request under the app API's auth hook. */
export function principalOf(request: FastifyRequest): AppPrincipal {
  if (!request.appKey) throw new Error('app API route reached without its auth hook');
  return request.appKey;
}
