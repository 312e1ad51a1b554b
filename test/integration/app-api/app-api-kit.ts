import type { FastifyInstance } from 'fastify';
import { createAppKey } from '../../../src/admin/create-app-key.js';
import { GROUP_SCHEMA, scimClient, USER_SCHEMA, type TestGateway } from '../../support/test-gateway.js';
import { BASE44_URN } from '../scim/scim-kit.js';

/** Shared bits of the app API suites: a client over inject, keys, and SCIM bodies for the writes. */

export interface AppResponse {
  status: number;
  headers: Record<string, unknown>;
  body: Record<string, any>;
}

/** GET with an app key through the real routes. */
export function appClient(app: FastifyInstance, token: string | null) {
  return async (url: string, headers: Record<string, string> = {}): Promise<AppResponse> => {
    const response = await app.inject({ method: 'GET', url: `/api/v1${url}`, headers: { ...(token === null ? {} : { authorization: `Bearer ${token}` }), ...headers } });
    return { status: response.statusCode, headers: response.headers, body: JSON.parse(response.body) as Record<string, any> };
  };
}

export type AppClient = ReturnType<typeof appClient>;

export async function appKeyFor(gw: TestGateway, workspaceId: string | null, name = 'app'): Promise<string> {
  const { token } = await createAppKey(gw.db.store.db, { workspaceId, name, now: new Date().toISOString() });
  return token;
}

/** A V2 workspace with a SCIM client and an app client of its own. */
export async function v2Workspace(gw: TestGateway, id: string) {
  const ws = await gw.workspace({ id, preset: 'base44-v2', policy: { deprovision: 'suspend' } });
  const token = await appKeyFor(gw, id);
  return { id, scimToken: ws.token, scim: scimClient(gw.app, ws.base, ws.token), app: appClient(gw.app, token), appToken: token };
}

export const userBody = (userName: string, role = 'editor', extra: Record<string, unknown> = {}) => ({
  schemas: [USER_SCHEMA, BASE44_URN],
  userName,
  externalId: `ext-${userName}`,
  active: true,
  emails: [{ value: userName, type: 'work', primary: true }],
  [BASE44_URN]: { role },
  ...extra,
});

export const groupBody = (displayName: string, memberIds: string[] = []) => ({
  schemas: [GROUP_SCHEMA],
  displayName,
  externalId: `ext-${displayName}`,
  members: memberIds.map((value) => ({ value })),
});

/** Every page of a listing, following nextCursor; checks each page's eventSeq is the first one's. */
export async function listAll(app: AppClient, path: string, limit: number): Promise<{ data: any[]; eventSeq: number; pages: number }> {
  const sep = path.includes('?') ? '&' : '?';
  let response = await app(`${path}${sep}limit=${limit}`);
  if (response.status !== 200) throw new Error(`${path}: ${response.status} ${JSON.stringify(response.body)}`);
  const eventSeq = response.body.eventSeq as number;
  const data: any[] = [...response.body.data];
  let pages = 1;
  while (response.body.nextCursor !== null) {
    response = await app(`${path}${sep}limit=${limit}&cursor=${encodeURIComponent(response.body.nextCursor)}`);
    if (response.status !== 200) throw new Error(`${path}: ${response.status} ${JSON.stringify(response.body)}`);
    if (response.body.eventSeq !== eventSeq) throw new Error(`page ${pages + 1} of ${path} is cut at ${response.body.eventSeq}, not ${eventSeq}`);
    data.push(...response.body.data);
    pages++;
  }
  return { data, eventSeq, pages };
}
