import { fork, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createApiKey } from '../src/admin/create-api-key.js';
import { createWorkspace } from '../src/admin/create-workspace.js';
import { emptyMemberFields } from '../src/model/member.js';
import { timeOrderedId } from '../src/model/time-ordered-id.js';
import type { Change } from '../src/model/plan.js';
import { applyChanges } from '../src/reconcile/apply.js';
import { addWebhookEndpoint } from '../src/webhooks/add-webhook-endpoint.js';
import { benchDatabase, type Dialect } from './bench-database.js';
import { startGatewayProcess } from './server-process.js';

/**
 * BENCH_ONLY=webhooks: webhooks delivered by the built gateway (a child process) to a receiver in a process of its
 * own, on each dialect.
 *  (a) latency: SCIM POSTs paced at BENCH_WEBHOOK_RATE (1,000) per second for BENCH_WEBHOOK_SECONDS (10) against the
 *      gateway; per event, the time from its commit (occurredAt) to its arrival, p50 and p99 (target p99 < 1 s).
 *  (b) backlog: BENCH_WEBHOOK_BULK (100,000) member creates applied from this process in batches of 5,000, as a pull
 *      applies them; the time from the first batch until the receiver has every event (target within 60 s). On
 *      SQLite the gateway learns of another process's commits from its safety tick (every 5 s).
 * Numbers are printed, not asserted.
 */

const here = path.dirname(fileURLToPath(import.meta.url));

export interface WebhookBenchOptions {
  dialects: Dialect[];
  postgresUrl: string;
  rate: number;
  seconds: number;
  bulk: number;
}

export function webhookOptionsFromEnv(env: NodeJS.ProcessEnv, dialects: Dialect[], postgresUrl: string): WebhookBenchOptions {
  const int = (name: string, fallback: number) => (env[name] ? Math.max(1, Math.floor(Number(env[name]))) : fallback);
  return { dialects, postgresUrl, rate: int('BENCH_WEBHOOK_RATE', 1_000), seconds: int('BENCH_WEBHOOK_SECONDS', 10), bulk: int('BENCH_WEBHOOK_BULK', 100_000) };
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
    const gateway = await startGatewayProcess({ database: database.url });
    try {
      // (a) paced SCIM creates, one event each.
      const total = options.rate * options.seconds;
      const started = performance.now();
      const posts: Promise<number>[] = [];
      const errors = new Map<string, number>();
      const postLatencies: number[] = [];
      const users = `${gateway.url}/scim/v2/organizations/bench/Users`;
      const headers = { authorization: `Bearer ${token}`, 'content-type': 'application/scim+json' };
      for (let i = 0; i < total; i++) {
        const due = started + (i * 1000) / options.rate;
        const wait = due - performance.now();
        if (wait > 1) await new Promise((resolve) => setTimeout(resolve, wait));
        const userName = `paced${i}@example.com`;
        const postedAt = performance.now();
        posts.push(
          fetch(users, { method: 'POST', headers, body: JSON.stringify({ schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'], userName, externalId: `paced-${i}`, active: true }) }).then(async (r) => {
            await r.arrayBuffer();
            postLatencies.push(performance.now() - postedAt);
            return r.status;
          }, (error: unknown) => {
            errors.set(String((error as { cause?: unknown }).cause ?? error), (errors.get(String((error as { cause?: unknown }).cause ?? error)) ?? 0) + 1);
            return 0;
          }),
        );
      }
      const statuses = await Promise.all(posts);
      const sent = (performance.now() - started) / 1000;
      const created = statuses.filter((s) => s === 201).length;
      for (const [error, count] of errors) log(`webhooks on ${dialect} (a): ${count} POSTs failed: ${error}`);
      const paced = await untilReceived(receiver.report, created, 60_000);
      const sorted = [...paced.latencies].sort((a, b) => a - b);
      log(
        `webhooks on ${dialect} (a): ${created}/${total} SCIM creates in ${sent.toFixed(1)} s (${(created / sent).toFixed(0)}/s); received ${paced.distinct} (${paced.requests} requests)` +
          `; SCIM POST p50 ${percentile(postLatencies.sort((x, y) => x - y), 50).toFixed(0)} ms p99 ${percentile(postLatencies, 99).toFixed(0)} ms` +
          `; commit → received p50 ${percentile(sorted, 50)} ms, p99 ${percentile(sorted, 99)} ms, max ${sorted[sorted.length - 1]} ms${paced.done ? '' : ' (not all arrived within 60 s)'}`,
      );

      // (b) a pull's first cycle: 100,000 creates applied in batches of 5,000.
      await receiver.reset();
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
      log(
        `webhooks on ${dialect} (b): ${options.bulk} creates applied in ${applied.toFixed(1)} s; receiver had ${bulk.distinct} after ${all.toFixed(1)} s` +
          ` (${(bulk.distinct / all).toFixed(0)} events/s, ${bulk.requests} requests)${bulk.done ? '' : ' (stopped waiting at 300 s)'}`,
      );
    } finally {
      await gateway.stop();
      receiver.stop();
      await database.drop();
    }
  }
}
