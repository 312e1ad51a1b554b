import { randomUUID } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Kysely } from 'kysely';
import { expect } from 'vitest';
import type { Database } from '../../../src/store/database.js';
import { USER_SCHEMA, type scimClient } from '../../support/test-gateway.js';

/** Shared bits of the SCIM integration suites: request bodies, fixture loading and sequence replay. */

export type Scim = ReturnType<typeof scimClient>;
export type ScimResponse = Awaited<ReturnType<Scim['get']>>;

export const ERROR_SCHEMA = 'urn:ietf:params:scim:api:messages:2.0:Error';
export const ENTERPRISE_URN = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';
export const BASE44_URN = 'urn:base44:params:scim:schemas:extension:user:2.0';
export const ACTIVEPIECES_URN = 'urn:ietf:params:scim:schemas:activepieces:1.0:CustomUserAttributes';
export const DEFAULT_WORKSPACE_URN = 'urn:rosterd:params:scim:schemas:extension:workspace:2.0:User';

/** A minimal SCIM User: userName doubles as the primary work email. */
export function userBody(userName: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { schemas: [USER_SCHEMA], userName, emails: [{ value: userName, type: 'work', primary: true }], active: true, ...extra };
}

/** A SCIM Error body (RFC 7644 §3.12), with the detail and scimType rosterd always sets. */
export function isScimError(body: Record<string, any> | null, status: number): boolean {
  return (
    body !== null &&
    Array.isArray(body.schemas) &&
    body.schemas.length === 1 &&
    body.schemas[0] === ERROR_SCHEMA &&
    body.status === String(status) &&
    typeof body.detail === 'string' &&
    body.detail.length > 0
  );
}

const FIXTURE_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../fixture');

export interface Fixture {
  file: string;
  description: string;
  method: string;
  path: string;
  query?: Record<string, string>;
  body: unknown;
}

export interface SequenceStep {
  name: string;
  method: string;
  path: string;
  query?: Record<string, string>;
  body?: unknown;
  expectStatus: number;
  saveAs?: string;
  expectTotalResults?: number;
}

export function readFixture<T>(dialect: 'entra' | 'okta', file: string): T {
  return JSON.parse(readFileSync(path.join(FIXTURE_ROOT, dialect, file), 'utf8')) as T;
}

/** The one-behaviour fixtures of a folder (every file except the sequences). */
export function behaviourFixtures(dialect: 'entra' | 'okta'): Fixture[] {
  return readdirSync(path.join(FIXTURE_ROOT, dialect))
    .filter((f) => f.endsWith('.json') && !f.startsWith('sequence-'))
    .sort()
    .map((file) => ({ ...readFixture<Omit<Fixture, 'file'>>(dialect, file), file }));
}

/** Replace every `{name}` placeholder (in paths, query values and any string inside a body). */
export function fill<T>(value: T, vars: Record<string, string>): T {
  const text = JSON.stringify(value);
  const filled = text.replace(/\{(\w+)\}/g, (whole, name: string) => {
    if (!(name in vars)) throw new Error(`placeholder ${whole} has no value yet`);
    return vars[name]!;
  });
  return JSON.parse(filled) as T;
}

/** Swap literal strings (a fixture's captured ids) for the ids this server gave out, everywhere in the value. */
export function substitute<T>(value: T, ids: Record<string, string>): T {
  let text = JSON.stringify(value);
  for (const [from, to] of Object.entries(ids)) text = text.split(from).join(to);
  return JSON.parse(text) as T;
}

export function withQuery(url: string, query: Record<string, string> | undefined): string {
  if (!query || Object.keys(query).length === 0) return url;
  return `${url}?${new URLSearchParams(query).toString()}`;
}

/** Send one fixture-shaped request (a step or a behaviour fixture) through the client. */
export async function send(scim: Scim, request: { method: string; path: string; query?: Record<string, string> | undefined; body?: unknown }): Promise<ScimResponse> {
  const url = withQuery(request.path, request.query);
  switch (request.method.toUpperCase()) {
    case 'GET':
      return scim.get(url);
    case 'POST':
      return scim.post(url, request.body);
    case 'PUT':
      return scim.put(url, request.body);
    case 'PATCH':
      return scim.patch(url, request.body);
    case 'DELETE':
      return scim.delete(url);
    default:
      throw new Error(`unsupported method ${request.method}`);
  }
}

export interface ReplayedStep {
  step: SequenceStep;
  response: ScimResponse;
}

/**
 * Replay a captured sequence, filling placeholders from earlier `saveAs` responses. Returns every response so
 * the caller can assert status and totals with the step's name in the message.
 */
export async function replay(scim: Scim, steps: SequenceStep[], vars: Record<string, string> = {}): Promise<{ replayed: ReplayedStep[]; vars: Record<string, string> }> {
  const replayed: ReplayedStep[] = [];
  for (const raw of steps) {
    const step = fill(raw, vars);
    const response = await send(scim, step);
    replayed.push({ step, response });
    if (raw.saveAs && response.body && typeof response.body.id === 'string') vars[raw.saveAs] = response.body.id;
    if (response.status !== step.expectStatus) break;
  }
  return { replayed, vars };
}

/**
 * Insert members straight into the store (account + membership rows, in multi-row chunks): a fast way to have
 * thousands of Users for a group test. The rows look like what apply.ts writes for a V2 viewer.
 */
export async function seedMembers(
  db: Kysely<Database>,
  workspaceId: string,
  count: number,
  prefix: string,
): Promise<string[]> {
  const now = new Date().toISOString();
  const ids: string[] = [];
  const CHUNK = 500;
  for (let start = 0; start < count; start += CHUNK) {
    const rows = Array.from({ length: Math.min(CHUNK, count - start) }, (_, i) => {
      const userName = `${prefix}-${String(start + i).padStart(6, '0')}@bulk.example`;
      return { id: randomUUID(), accountId: randomUUID(), userName };
    });
    await db.insertInto('account').values(rows.map((r) => ({ id: r.accountId, email: r.userName, created_at: now }))).execute();
    await db
      .insertInto('membership')
      .values(
        rows.map((r) => ({
          id: r.id,
          workspace_id: workspaceId,
          account_id: r.accountId,
          user_name: r.userName,
          user_name_lower: r.userName,
          emails: JSON.stringify([{ value: r.userName, type: 'work', primary: true }]),
          active: 1,
          role: 'viewer',
          owner: 0,
          last_source: 'test',
          version: 1,
          created_at: now,
          updated_at: now,
        })),
      )
      .execute();
    ids.push(...rows.map((r) => r.id));
  }
  return ids;
}

const UUIDS = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/gi;
const isUuid = (text: string) => /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(text);

/**
 * Send a one-behaviour fixture to a real server after creating what it refers to: every captured id becomes a
 * User of the workspace (members, managers, the PATCH/PUT target), except the id of a /Groups/{id} path, which
 * becomes a Group (holding those Users when the request removes members). Captured ids are then swapped for
 * the ids this server gave out. An id that is not a UUID (Okta's 010101…) is left alone: it must be a 404.
 */
export async function sendBehaviourFixture(scim: Scim, fixture: Fixture): Promise<{ response: ScimResponse; ids: Record<string, string> }> {
  const target = /^\/(Users|Groups)\/([^/?]+)/.exec(fixture.path);
  const groupId = target?.[1] === 'Groups' ? target[2] : undefined;
  const captured = [...new Set(JSON.stringify({ path: fixture.path, body: fixture.body }).match(UUIDS) ?? [])];
  const ids: Record<string, string> = {};
  for (const id of captured) {
    if (id === groupId) continue;
    const created = await scim.post('/Users', userBody(`fx-${id.slice(0, 8)}@fixture.example`, { displayName: `Fixture ${id.slice(0, 8)}` }));
    if (created.status !== 201) throw new Error(`could not create the user ${id} stands for: ${JSON.stringify(created.body)}`);
    ids[id] = created.body.id as string;
  }
  if (groupId !== undefined && isUuid(groupId)) {
    const removes = /"op":\s*"remove"/i.test(JSON.stringify(fixture.body));
    const created = await scim.post('/Groups', {
      schemas: ['urn:ietf:params:scim:schemas:core:2.0:Group'],
      displayName: `Fixture group ${groupId.slice(0, 8)}`,
      members: removes ? Object.values(ids).map((value) => ({ value })) : [],
    });
    if (created.status !== 201) throw new Error(`could not create the group ${groupId} stands for: ${JSON.stringify(created.body)}`);
    ids[groupId] = created.body.id as string;
  }
  const request = substitute({ method: fixture.method, path: fixture.path, query: fixture.query, body: fixture.body ?? undefined }, ids);
  return { response: await send(scim, request), ids };
}

/**
 * Every step of a replayed sequence got the status (and total) the fixture expects, with the response shapes
 * both IdPs depend on: integer paging numbers, SCIM JSON bodies, and a body on every 200/201 (Okta treats an
 * empty one as a failure).
 */
export function expectAllSteps(replayed: ReplayedStep[], steps: SequenceStep[]): void {
  expect(replayed.map((r) => r.step.name)).toEqual(steps.map((s) => s.name));
  for (const { step, response } of replayed) {
    expect(response.status, `${step.name}: ${JSON.stringify(response.body)}`).toBe(step.expectStatus);
    if (step.expectTotalResults !== undefined) {
      expect(response.body.totalResults, step.name).toBe(step.expectTotalResults);
      expect(Number.isInteger(response.body.totalResults)).toBe(true);
      expect(Number.isInteger(response.body.startIndex) && Number.isInteger(response.body.itemsPerPage)).toBe(true);
    }
    if (response.body !== null) expect(response.headers['content-type'], step.name).toContain('application/scim+json');
    if (response.status === 200 || response.status === 201) expect(response.body, step.name).not.toBeNull();
  }
}

/** The response of the named step of a replayed sequence. */
export const byName = (replayed: ReplayedStep[], name: string) => replayed.find((r) => r.step.name === name)!.response;
