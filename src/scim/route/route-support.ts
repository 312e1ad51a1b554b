import type { FastifyRequest } from 'fastify';
import type { FailedWrite, WriteContext } from '../../reconcile/write-through-policy.js';
import { isObject, type JsonObject } from '../ci-object.js';
import { normalizeScimRequest, type NormalizedScimRequest } from '../compat/normalize-request.js';
import type { ScimContext } from '../scim-context.js';
import { invalidSyntax } from '../scim-error.js';

/** The request as the strict core sees it: both IdP dialects normalised at the edge. */
export function normalizedRequest(request: FastifyRequest, resourceType: 'User' | 'Group'): NormalizedScimRequest {
  return normalizeScimRequest({
    method: request.method,
    resourceType,
    body: request.body,
    query: request.query as Record<string, string | string[] | undefined>,
  });
}

export function bodyObject(body: unknown): JsonObject {
  if (!isObject(body)) throw invalidSyntax('request body must be a JSON object');
  return body;
}

/** Who writes and when, for the one write path. */
export const writeContext = (ctx: ScimContext): WriteContext => ({ actor: ctx.actor, requestId: ctx.requestId, now: ctx.now, log: ctx.log });

/** What the provisioning log records when a write fails before a plan names its change. */
export const failedWrite = (targetKind: 'member' | 'group', operation: string, targetId: string | null, targetKey: string | null): FailedWrite => ({
  operation,
  targetKind,
  targetId,
  targetKey,
});
