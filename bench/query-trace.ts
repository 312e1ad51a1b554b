import { EventBus } from '../src/events/event-bus.js';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import SQLite from 'better-sqlite3';
import { Kysely, PostgresDialect, SqliteDialect, sql, type Dialect } from 'kysely';
import pg from 'pg';
import { configSchema } from '../src/config/config-schema.js';
import { buildServer } from '../src/daemon/build-server.js';
import { createLogger } from '../src/log/create-logger.js';
import type { Store } from '../src/store/store.js';
import type { Database } from '../src/store/database.js';
import { dialectSupportFor } from '../src/store/dialect-support.js';
import { migrateToLatest } from '../src/store/migrate.js';
import { seedWorkspace } from './seed.js';
import { externalIdLookup, getById, patchEntra, patchRfc, postUser, scimHeaders, userNameLookup, type HttpWorkload } from './workloads.js';

/**
 * Which SQL statements one request of each workload issues (in-process, app.inject), with each statement's
 * time: the quickest way to see round trips a request could do without. On PostgreSQL it also prints the
 * plan of each SELECT (EXPLAIN ANALYZE), to catch a lookup that does not use its index.
 * `node dist/bench/query-trace.js [sqlite|postgres] [members=1000]` (BENCH_POSTGRES_URL as for the bench).
 */

const dialectName = process.argv[2] === 'postgres' ? 'postgres' : 'sqlite';
const members = Number(process.argv[3] ?? 1000);
const dir = mkdtempSync(path.join(os.tmpdir(), 'rosterd-trace-'));
const schema = `trace_${Math.random().toString(16).slice(2, 10)}`;
let dialect: Dialect;
let pool: pg.Pool | null = null;
if (dialectName === 'sqlite') {
  const database = new SQLite(path.join(dir, 'trace.db'));
  database.pragma('journal_mode = WAL');
  database.pragma('synchronous = NORMAL');
  database.pragma('foreign_keys = ON');
  dialect = new SqliteDialect({ database });
} else {
  const url = new URL(process.env.BENCH_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/test');
  url.searchParams.delete('schema');
  const admin = new pg.Client({ connectionString: url.toString() });
  await admin.connect();
  await admin.query(`create schema ${schema}`);
  await admin.end();
  pool = new pg.Pool({ connectionString: url.toString(), max: 4, options: `-c search_path=${schema}` });
  dialect = new PostgresDialect({ pool });
}
const trace: { sql: string; ms: number; parameters: readonly unknown[] }[] = [];
let tracing = false;
const db = new Kysely<Database>({
  dialect,
  log: (event) => {
    if (tracing) trace.push({ sql: event.query.sql, ms: event.queryDurationMillis, parameters: event.query.parameters });
  },
});
const store: Store = {
  db,
  // One transaction per write, as PostgreSQL runs them, so the trace shows each request's own statements.
  writeTransaction: (job) => db.transaction().execute(job),
  dialect: dialectSupportFor(dialectName),
  // Traced on the same instance, so that every statement of a request shows.
  heavyReads: db,
  eventLog: true,
  events: new EventBus(),
  description: 'trace',
  ...(dialectName === 'postgres' ? { schema } : {}),
  close: () => db.destroy(),
};

try {
  await migrateToLatest(store);
  const seed = await seedWorkspace(store, { members, sampleSize: Math.min(members, 200), groupMembers: Math.min(members, 100) });
  const config = configSchema.parse({ log: { level: 'warn', requests: false }, bootstrap: { workspace: null } });
  const app = await buildServer({ store, config, log: createLogger({ level: 'warn' }) });
  const base = `/scim/v2/organizations/${seed.workspaceId}`;
  const headers = scimHeaders(seed.token);
  const half = seed.sample.ids.length >> 1;
  const workloads: HttpWorkload[] = [
    userNameLookup(base, seed.sample),
    externalIdLookup(base, seed.sample),
    getById(base, seed.sample),
    postUser(base),
    patchEntra(base, seed.sample.ids.slice(0, half)),
    patchRfc(base, seed.sample.ids.slice(half)),
  ];
  for (const workload of workloads) {
    // The second request is the one shown: the first pays for one-off work (workspace caches, JIT).
    const list = workload.rotation?.('measure', 0, 1);
    for (let round = 0; round < 2; round++) {
      const request = list ? list[round]! : workload.next!();
      trace.length = 0;
      tracing = true;
      const started = performance.now();
      const response = await app.inject({ method: workload.method, url: request.path, headers, ...(request.body ? { payload: request.body } : {}) });
      const ms = performance.now() - started;
      tracing = false;
      if (round === 0) continue;
      process.stdout.write(`\n${workload.method} ${workload.label}: ${response.statusCode}, ${trace.length} statements, ${ms.toFixed(2)} ms in-process\n`);
      for (const q of [...trace]) {
        process.stdout.write(`  ${q.ms.toFixed(3).padStart(7)} ms  ${q.sql.replace(/\s+/g, ' ').slice(0, 180)}\n`);
        if (pool && /^\s*select/i.test(q.sql)) {
          const plan = await pool.query(`explain (analyze, costs off, timing off, summary off) ${q.sql}`, q.parameters as unknown[]);
          for (const row of plan.rows as { 'QUERY PLAN': string }[]) process.stdout.write(`               | ${row['QUERY PLAN']}\n`);
        }
      }
    }
  }
  await app.close();
} finally {
  if (pool) await sql`drop schema if exists ${sql.id(schema)} cascade`.execute(db).catch(() => undefined);
  await db.destroy();
  rmSync(dir, { recursive: true, force: true });
}
