import type { FastifyRequest } from 'fastify';
import type { ApplyOptions, FailedWrite } from '../../reconcile/apply.js';
import { isJsonObject, type JsonObject } from '../json-object.js';
import { normalizeScimRequest, type NormalizedScimRequest } from '../compat/normalize-request.js';
import type { ScimContext } from '../scim-context.js';
import { invalidSyntax } from '../scim-error.js';

/** Both IdP dialects normalised at the edge. */
export function normalizedRequest(request: FastifyRequest, resourceType: 'User' | 'Group'): NormalizedScimRequest {
  return normalizeScimRequest({
    method: request.method,
    resourceType,
    body: request.body,
    query: request.query as Record<string, string | string[] | undefined>,
  });
}

export function bodyObject(body: unknown): JsonObject {
  if (!isJsonObject(body)) throw invalidSyntax('request body must be a JSON object');
  return body;
}

/** A SCIM write as one unit (a refusal changes nothing); `failure` is logged if it fails before naming a target. */
export const scimWrite = (
  ctx: ScimContext,
  failure: FailedWrite,
  options: { readAhead?: boolean } = {},
): ApplyOptions => ({
  actor: ctx.actor,
  eventSource: ctx.eventSource,
  requestId: ctx.requestId,
  now: ctx.now,
  mode: 'whole',
  failure,
  log: ctx.log,
  ...(options.readAhead ? { readAhead: ctx.workspace } : {}),
});

export const failedWrite = (targetKind: 'member' | 'group', operation: string, targetId: string | null, targetKey: string | null): FailedWrite => ({
  operation,
  targetKind,
  targetId,
  targetKey,
});
