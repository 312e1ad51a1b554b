import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiKey } from '../../../src/admin/create-api-key.js';
import { createWorkspace } from '../../../src/admin/create-workspace.js';
import { configSchema } from '../../../src/config/config-schema.js';
import { buildServer } from '../../../src/daemon/build-server.js';
import { createMetrics, type Metrics } from '../../../src/daemon/metrics.js';
import { createLogger } from '../../../src/log/create-logger.js';
import { summarize } from '../../../src/model/plan.js';
import type { PlanStatus } from '../../../src/store/database.js';
import { scimClient } from '../../support/test-gateway.js';
import { DIALECTS, openTestStore, type TestStore } from '../../support/test-store.js';
import { userBody } from '../scim/scim-kit.js';

const NOW = new Date('2026-11-24T12:00:00.000Z');
const USER_ROUTE = '/scim/v2/organizations/:workspaceId/Users/:id';
const USERS_ROUTE = '/scim/v2/organizations/:workspaceId/Users';

/** The value of one sample in the exposition text, found by name and labels (in any order); undefined when absent. */
function sample(text: string, name: string, labels: Record<string, string> = {}): number | undefined {
  for (const line of text.split('\n')) {
    const match = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!match || match[1] !== name) continue;
    const present = new Map([...(match[2] ?? '').matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)].map((m) => [m[1]!, m[2]!]));
    if (Object.entries(labels).every(([key, value]) => present.get(key) === value)) return Number(match[3]);
  }
  return undefined;
}

describe.each(DIALECTS)('GET /metrics on %s', (dialect) => {
  let db: TestStore;
  let metrics: Metrics;
  let app: FastifyInstance;
  let text: string;
  let contentType: string | undefined;

  const plan = (id: string, workspaceId: string, status: PlanStatus) => ({
    id,
    workspace_id: workspaceId,
    source: 'connector:entra',
    binding: 'entra',
    basis: 1,
    status,
    summary: JSON.stringify(summarize([])),
    warnings: '[]',
    change_count: 0,
    deletions: 0,
    complete: 1,
    cursor: null,
    created_at: NOW.toISOString(),
    decided_at: null,
    decided_by: null,
  });

  beforeAll(async () => {
    db = await openTestStore(dialect);
    metrics = createMetrics({ db: db.store.db, workspaces: ['acme', 'quiet'], clock: () => NOW });
    const config = configSchema.parse({ log: { level: 'silent', requests: false } });
    app = await buildServer({ store: db.store, config, log: createLogger({ level: 'silent' }), metrics, clock: () => NOW });
    await app.ready();

    const now = NOW.toISOString();
    for (const id of ['acme', 'quiet']) await createWorkspace(db.store.db, { id, version: 'v2', now });
    const { token } = await createApiKey(db.store.db, { workspaceId: 'acme', name: 'test', now });
    const acme = scimClient(app, '/scim/v2/organizations/acme', token);
    const created = await acme.post('/Users', userBody('ann@acme.example'));
    expect(created.status).toBe(201);
    for (let i = 0; i < 2; i++) expect((await acme.get(`/Users/${created.body.id}`)).status).toBe(200);
    expect((await acme.get('/Users/00000000-0000-4000-8000-000000000000')).status).toBe(404);
    expect((await scimClient(app, '/scim/v2/organizations/acme', 'wrong').get('/Users')).status).toBe(401);
    expect((await app.inject({ method: 'GET', url: '/no/such/path/12345' })).statusCode).toBe(404);
    expect((await app.inject({ method: 'GET', url: '/healthz' })).statusCode).toBe(200);

    await db.store.db
      .insertInto('plan')
      .values([plan('p1', 'acme', 'pending'), plan('p2', 'acme', 'pending'), plan('p3', 'acme', 'applied'), plan('p4', 'acme', 'refused')])
      .execute();
    await db.store.db
      .insertInto('connector_state')
      .values([
        { workspace_id: 'acme', binding: 'entra', cursor: null, last_good_at: new Date(NOW.getTime() - 90_000).toISOString(), updated_at: NOW.toISOString() },
        { workspace_id: 'quiet', binding: 'okta', cursor: null, last_good_at: null, updated_at: NOW.toISOString() },
      ])
      .execute();
    metrics.observeRun('acme', 'entra', 'applied', { ...summarize([]), create: 3, deactivate: 1, skip: 7 });
    metrics.observeRun('acme', 'entra', 'applied', { ...summarize([]), create: 2 });
    metrics.observeRun('acme', 'entra', 'refused', { ...summarize([]), remove: 50 });
    metrics.observeRun('acme', 'entra', 'failed');

    const response = await app.inject({ method: 'GET', url: '/metrics' });
    expect(response.statusCode).toBe(200);
    text = response.body;
    contentType = response.headers['content-type'] as string | undefined;
  });
  afterAll(async () => {
    await app.close();
    await db.cleanup();
  });

  it('is Prometheus text format, open without an API key', () => {
    expect(contentType).toMatch(/^text\/plain; version=0\.0\.4/);
    expect(text).toContain('# TYPE rosterd_scim_requests_total counter');
    // The default process metrics are there too.
    expect(sample(text, 'process_cpu_seconds_total')).toBeGreaterThanOrEqual(0);
  });

  it('counts SCIM requests by route template, method and status, never by raw URL', () => {
    expect(sample(text, 'rosterd_scim_requests_total', { route: USERS_ROUTE, method: 'POST', status: '201' })).toBe(1);
    expect(sample(text, 'rosterd_scim_requests_total', { route: USER_ROUTE, method: 'GET', status: '200' })).toBe(2);
    expect(sample(text, 'rosterd_scim_requests_total', { route: USER_ROUTE, method: 'GET', status: '404' })).toBe(1);
    expect(sample(text, 'rosterd_scim_requests_total', { route: USERS_ROUTE, method: 'GET', status: '401' })).toBe(1);
    expect(sample(text, 'rosterd_scim_requests_total', { route: 'unmatched', method: 'GET', status: '404' })).toBe(1);
    expect(text).not.toContain('ann@acme.example');
    expect(text).not.toContain('/no/such/path');
    expect(text).not.toMatch(/rosterd_scim_requests_total\{[^}]*\/organizations\/acme/);
    // Probes are not SCIM traffic.
    expect(text).not.toMatch(/rosterd_scim_requests_total\{[^}]*healthz/);
  });

  it('reports pending plans per workspace, zero for a configured workspace with none', () => {
    expect(sample(text, 'rosterd_pending_plans', { workspace: 'acme' })).toBe(2);
    expect(sample(text, 'rosterd_pending_plans', { workspace: 'quiet' })).toBe(0);
  });

  it('reports seconds since the last good cycle of each binding that had one', () => {
    expect(sample(text, 'rosterd_seconds_since_last_good_cycle', { workspace: 'acme', binding: 'entra' })).toBe(90);
    expect(sample(text, 'rosterd_seconds_since_last_good_cycle', { workspace: 'quiet', binding: 'okta' })).toBeUndefined();
  });

  it('counts runs by result and the changes applied runs made, by action', () => {
    expect(sample(text, 'rosterd_runs_total', { workspace: 'acme', binding: 'entra', result: 'applied' })).toBe(2);
    expect(sample(text, 'rosterd_runs_total', { workspace: 'acme', binding: 'entra', result: 'refused' })).toBe(1);
    expect(sample(text, 'rosterd_runs_total', { workspace: 'acme', binding: 'entra', result: 'failed' })).toBe(1);
    expect(sample(text, 'rosterd_changes_total', { workspace: 'acme', binding: 'entra', action: 'create' })).toBe(5);
    expect(sample(text, 'rosterd_changes_total', { workspace: 'acme', binding: 'entra', action: 'deactivate' })).toBe(1);
    // A refused plan changed nothing, and skips are not changes.
    expect(sample(text, 'rosterd_changes_total', { action: 'remove' })).toBeUndefined();
    expect(sample(text, 'rosterd_changes_total', { action: 'skip' })).toBeUndefined();
  });

  it('computes the database gauges afresh at each scrape', async () => {
    await db.store.db.updateTable('plan').set({ status: 'approved' }).where('id', '=', 'p1').execute();
    const again = (await app.inject({ method: 'GET', url: '/metrics' })).body;
    expect(sample(again, 'rosterd_pending_plans', { workspace: 'acme' })).toBe(1);
  });
});
