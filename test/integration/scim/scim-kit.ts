import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
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

/** A SCIM Error body as ARCHITECTURE.md describes it. */
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
