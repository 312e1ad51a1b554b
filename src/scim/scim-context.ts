import type { FastifyBaseLogger, FastifyRequest } from 'fastify';
import type { Workspace } from '../model/workspace.js';
import type { Store } from '../store/store.js';
import type { ListLimits } from './list-request.js';
import type { HeavyRequestGate } from './heavy-request-gate.js';
import type { ScimBudgets } from './scim-budgets.js';

/** Passed explicitly: no tenant state lives on shared objects. */
export interface ScimContext {
  store: Store;
  workspace: Workspace;
  /** `key:<keyId>`, recorded on writes and in the provisioning log. */
  actor: string;
  /** `scim:<key name>`, for the event log. */
  eventSource: string;
  requestId: string;
  /** No trailing slash. */
  baseUrl: string;
  log: FastifyBaseLogger;
  limits: ListLimits;
  budgets: Readonly<ScimBudgets>;
  /** Shared by every workspace this process serves. */
  heavyGate: HeavyRequestGate;
  now: () => string;
}

declare module 'fastify' {
  interface FastifyRequest {
    scim: ScimContext | null;
  }
}

export function scimContext(request: FastifyRequest): ScimContext {
  if (!request.scim) throw new Error('SCIM route reached without authentication');
  return request.scim;
}
