import { fork, type ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createApiKey } from '../src/admin/create-api-key.js';
import { createAppKey } from '../src/admin/create-app-key.js';
import { createWorkspace } from '../src/admin/create-workspace.js';
import { emptyMemberFields } from '../src/model/member.js';
import { timeOrderedId } from '../src/model/time-ordered-id.js';
import type { Change } from '../src/model/plan.js';
import { applyChanges } from '../src/reconcile/apply.js';
import { lastEventSeq } from '../src/store/event-repository.js';
import { addWebhookEndpoint } from '../src/webhooks/add-webhook-endpoint.js';
import { benchDatabase, type Dialect } from './bench-database.js';
import { summarizeProfileFile } from './cpu-profile-summary.js';
import { repoRoot, startGatewayProcess } from './server-process.js';

/**
 * BENCH_ONLY=webhooks: webhooks delivered by the built gateway (a child process) to a receiver in a process of its
 * own, on each dialect.
 *  (a) latency: SCIM POSTs paced at BENCH_WEBHOOK_RATE (1,000) per second for BENCH_WEBHOOK_SECONDS (10) against the
 *      gateway; per event, the time from its commit (occurredAt) to its arrival, p50 and p99 (target p99 < 1 s).
 *      (a2) the same event rate from group PATCHes that add ten members each: a tenth of the requests.
 *  (b) backlog: BENCH_WEBHOOK_BULK (100,000) member creates applied from this process in batches of 5,000, as a pull
 *      applies them; the time from the first batch until the receiver has every event (target within 60 s). On
 *      SQLite the gateway learns of another process's commits from its safety tick (every 5 s).
 * The gateway runs BENCH_WORKERS (2) HTTP workers; deliveries run in the first. Numbers are printed, not asserted.
 */

const here = path.dirname(fileURLToPath(import.meta.url));

export interface WebhookBenchOptions {
  dialects: Dialect[];
  postgresUrl: string;
  rate: number;
  seconds: number;
  bulk: number;
  /** The gateway's server.workers (deliveries run in the first). */
  workers: number;
}

export function webhookOptionsFromEnv(env: NodeJS.ProcessEnv, dialects: Dialect[], postgresUrl: string): WebhookBenchOptions {
  const int = (name: string, fallback: number) => (env[name] ? Math.max(1, Math.floor(Number(env[name]))) : fallback);
  return { dialects, postgresUrl, rate: int('BENCH_WEBHOOK_RATE', 1_000), seconds: int('BENCH_WEBHOOK_SECONDS', 10), bulk: int('BENCH_WEBHOOK_BULK', 100_000), workers: int('BENCH_WORKERS', 2) };
}

interface Report {
  distinct: number;
  requests: number;
  latencies: number[];
}

/** The receiver process and a way to ask it for its report. */
async function startReceiver(): Promise<{ url: string; report(): Promise<Report>; reset(): Promise<void>; stop(): void }> {
  const child: ChildProcess = fork(path.join(here, 'webhooks/receiver-process.js'), [], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const next = (type: string) => new Promise<any>((resolve) => child.once('message', (m: { type: string }) => m.type === type && resolve(m)));
  const { port } = await next('listening');
  return {
    url: `http://127.0.0.1:${port}/hook`,
    report: () => {
      const answer = next('report');
      child.send({ type: 'report' });
      return answer as Promise<Report>;
    },
    reset: async () => {
      const answer = next('reset');
      child.send({ type: 'reset' });
      await answer;
    },
    stop: () => child.kill(),
  };
}

const percentile = (sorted: number[], p: number) => (sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]! : NaN);

/** Wait until the receiver has `count` distinct events, asking every 100 ms; false after `timeoutMs`. */
async function untilReceived(report: () => Promise<Report>, count: number, timeoutMs: number): Promise<Report & { done: boolean }> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const now = await report();
    if (now.distinct >= count) return { ...now, done: true };
    if (Date.now() > deadline) return { ...now, done: false };
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/**
 * An app following a workspace's feed with long polls, as the README shows, until it has read `count` events after
 * `after`; resolves with when (performance.now()) and how many requests it took.
 */
async function followEvents(url: string, token: string, after: number, count: number): Promise<{ at: number; requests: number }> {
  let seen = 0;
  let requests = 0;
  let cursor = after;
  while (seen < count) {
    const response = await fetch(`${url}?after=${cursor}&limit=1000&wait=30`, { headers: { authorization: `Bearer ${token}` } });
    requests++;
    if (!response.ok) throw new Error(`the event feed answered ${response.status}: ${await response.text()}`);
    const page = (await response.json()) as { data: unknown[]; nextAfter: number };
    seen += page.data.length;
    cursor = page.nextAfter;
  }
  return { at: performance.now(), requests };
}

/** Members one paced group PATCH adds: ten events per request. */
const MEMBERS_PER_PATCH = 10;

interface PacedRun {
  sent: number;
  ok: number;
  seconds: number;
  /** Each request's time from when it was due to its answer, ms. */
  latencies: number[];
  errors: Map<string, number>;
}

/** Send `count` requests, request i due at i ÷ rate seconds whether or not the earlier ones were answered. */
async function paced(count: number, rate: number, send: (i: number) => Promise<Response>): Promise<PacedRun> {
  const started = performance.now();
  const latencies: number[] = [];
  const errors = new Map<string, number>();
  const answers: Promise<boolean>[] = [];
  for (let i = 0; i < count; i++) {
    const due = started + (i * 1000) / rate;
    const wait = due - performance.now();
    if (wait > 1) await new Promise((resolve) => setTimeout(resolve, wait));
    answers.push(
      send(i).then(
        async (response) => {
          await response.arrayBuffer();
          latencies.push(performance.now() - due);
          return response.ok;
        },
        (error: unknown) => {
          const key = String((error as { cause?: unknown }).cause ?? error);
          errors.set(key, (errors.get(key) ?? 0) + 1);
          return false;
        },
      ),
    );
  }
  const ok = (await Promise.all(answers)).filter(Boolean).length;
  return { sent: count, ok, seconds: (performance.now() - started) / 1000, latencies, errors };
}

export async function runWebhookBench(options: WebhookBenchOptions, log: (line: string) => void): Promise<void> {
  for (const dialect of options.dialects) {
    const database = await benchDatabase(dialect, options.postgresUrl);
    if (typeof database === 'string') {
      log(`webhooks on ${dialect}: skipped (${database})`);
      continue;
    }
    const receiver = await startReceiver();
    const now = () => new Date().toISOString();
    await createWorkspace(database.store.db, { id: 'bench', version: 'v2', now: now() });
    const { token } = await createApiKey(database.store.db, { workspaceId: 'bench', name: 'bench', now: now() });
    await addWebhookEndpoint(database.store, { workspaceId: 'bench', url: receiver.url, allowInsecureUrls: true, now: now() });
    const profileDir = process.env.BENCH_PROF === '1' ? mkdtempSync(path.join(tmpdir(), 'rosterd-webhook-prof-')) : undefined;
    const gateway = await startGatewayProcess({ database: database.url, workers: options.workers, ...(profileDir ? { cpuProfileDir: profileDir } : {}) });
    try {
      const headers = { authorization: `Bearer ${token}`, 'content-type': 'application/scim+json' };
      const scim = `${gateway.url}/scim/v2/organizations/bench`;
      const report = async (label: string, run: PacedRun, events: number) => {
        for (const [error, count] of run.errors) log(`webhooks on ${dialect} ${label}: ${count} requests failed: ${error}`);
        const paced = await untilReceived(receiver.report, events, 60_000);
        const sorted = [...paced.latencies].sort((a, b) => a - b);
        const requests = [...run.latencies].sort((x, y) => x - y);
        log(
          `webhooks on ${dialect} ${label}: ${run.ok}/${run.sent} requests in ${run.seconds.toFixed(1)} s (${(events / run.seconds).toFixed(0)} events/s); received ${paced.distinct} (${paced.requests} requests)` +
            `; SCIM p50 ${percentile(requests, 50).toFixed(0)} ms p99 ${percentile(requests, 99).toFixed(0)} ms` +
            `; commit → received p50 ${percentile(sorted, 50)} ms, p99 ${percentile(sorted, 99)} ms, max ${sorted[sorted.length - 1]} ms (target p99 < 1 s)${paced.done ? '' : ' (not all arrived within 60 s)'}`,
        );
      };

      // (a) paced SCIM creates, one event each.
      const posts = await paced(options.rate * options.seconds, options.rate, (i) =>
        fetch(`${scim}/Users`, { method: 'POST', headers, body: JSON.stringify({ schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'], userName: `paced${i}@example.com`, externalId: `paced-${i}`, active: true }) }),
      );
      await report('(a) POST /Users', posts, posts.ok);

      // (a2) the same event rate from group PATCHes adding MEMBERS_PER_PATCH members each, as IdPs push group memberships.
      const members = options.rate * options.seconds;
      const memberIds: string[] = [];
      for (let from = 0; from < members; from += 5_000) {
        const changes: Change[] = [];
        for (let i = from; i < Math.min(members, from + 5_000); i++) {
          const userName = `grouped${i}@example.com`;
          const targetId = timeOrderedId();
          memberIds.push(targetId);
          changes.push({ action: 'create', kind: 'member', key: userName, targetId, before: null, after: { ...emptyMemberFields(userName), externalId: `grouped-${i}`, role: 'viewer' } } as Change);
        }
        await applyChanges(database.store, 'bench', changes, { actor: 'connector:bench', requestId: `grouped-${from}`, now, mode: 'each' });
      }
      const group = (await (await fetch(`${scim}/Groups`, { method: 'POST', headers, body: JSON.stringify({ schemas: ['urn:ietf:params:scim:schemas:core:2.0:Group'], displayName: 'Paced' }) })).json()) as { id: string };
      await untilReceived(receiver.report, posts.ok + members + 1, 120_000);
      await receiver.reset();
      const patches = await paced(members / MEMBERS_PER_PATCH, options.rate / MEMBERS_PER_PATCH, (i) =>
        fetch(`${scim}/Groups/${group.id}`, {
          method: 'PATCH',
          headers,
          body: JSON.stringify({
            schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'],
            Operations: [{ op: 'add', path: 'members', value: memberIds.slice(i * MEMBERS_PER_PATCH, (i + 1) * MEMBERS_PER_PATCH).map((value) => ({ value })) }],
          }),
        }),
      );
      await report(`(a2) PATCH /Groups, ${MEMBERS_PER_PATCH} members each`, patches, patches.ok * MEMBERS_PER_PATCH);

      // (b) a pull's first cycle: 100,000 creates applied in batches of 5,000, delivered to the webhook receiver and
      // read by a long-poll consumer of the app API.
      await receiver.reset();
      const { token: appToken } = await createAppKey(database.store.db, { workspaceId: 'bench', name: 'bench', now: now() });
      const consumer = followEvents(`${gateway.url}/api/v1/workspaces/bench/events`, appToken, (await lastEventSeq(database.store.db, 'bench'))!, options.bulk);
      const bulkStarted = performance.now();
      for (let from = 0; from < options.bulk; from += 5_000) {
        const changes: Change[] = [];
        for (let i = from; i < Math.min(options.bulk, from + 5_000); i++) {
          const userName = `bulk${i}@example.com`;
          changes.push({ action: 'create', kind: 'member', key: userName, targetId: timeOrderedId(), before: null, after: { ...emptyMemberFields(userName), externalId: `bulk-${i}`, role: 'viewer' } } as Change);
        }
        await applyChanges(database.store, 'bench', changes, { actor: 'connector:bench', requestId: `bulk-${from}`, now, mode: 'each' });
      }
      const applied = (performance.now() - bulkStarted) / 1000;
      const bulk = await untilReceived(receiver.report, options.bulk, 300_000);
      const all = (performance.now() - bulkStarted) / 1000;
      const followed = await consumer;
      log(`webhooks on ${dialect} (b): a long-poll consumer of the app API had all ${options.bulk} events ${(followed.at / 1000 - (bulkStarted / 1000 + applied)).toFixed(1)} s after the apply ended (target ≤ 60 s; ${followed.requests} requests of up to 1,000)`);
      log(
        `webhooks on ${dialect} (b): ${options.bulk} creates applied in ${applied.toFixed(1)} s; receiver had ${bulk.distinct} ${(all - applied).toFixed(1)} s after the apply ended` +
          ` (target ≤ 60 s; ${(bulk.distinct / all).toFixed(0)} events/s from the first batch, ${bulk.requests} requests)${bulk.done ? '' : ' (stopped waiting at 300 s)'}`,
      );
    } finally {
      await gateway.stop(profileDir ? 60_000 : undefined);
      receiver.stop();
      await database.drop();
      if (profileDir) log(summarizeProfileFile(profileDir, repoRoot, 30));
    }
  }
}
