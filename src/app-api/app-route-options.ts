import type { FastifyRequest } from 'fastify';
import type { HeavyRequestGate } from '../scim/heavy-request-gate.js';
import type { Store } from '../store/store.js';
import type { AppPrincipal } from './app-auth.js';

export interface AppRouteOptions {
  store: Store;
  /** Shared with SCIM: listings take one of their workspace's turns. */
  heavyGate: HeavyRequestGate;
}

declare module 'fastify' {
  interface FastifyRequest {
    appKey: AppPrincipal | null;
  }
}

export function principalOf(request: FastifyRequest): AppPrincipal {
  if (!request.appKey) throw new Error('app API route reached without its auth hook');
  return request.appKey;
}
