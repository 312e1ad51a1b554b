import { createServer, connect, type Server, type Socket } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { configSchema } from '../../../src/config/config-schema.js';
import { buildServer } from '../../../src/daemon/build-server.js';
import { createLogger } from '../../../src/log/create-logger.js';
import { createDb } from '../../../src/store/create-db.js';
import type { Store } from '../../../src/store/store.js';
import { DIALECTS, openTestStore, TEST_POSTGRES_URL } from '../../support/test-store.js';

const config = configSchema.parse({ log: { level: 'silent', requests: false } });
const log = createLogger({ level: 'silent' });

/** /healthz says the process is alive; /readyz says it can serve, which needs the database. */
describe.each(DIALECTS)('/healthz and /readyz on %s', (dialect) => {
  it('is ready while the database answers, and 503 with the reason once it does not, while staying alive', async () => {
    const db = await openTestStore(dialect);
    // A store of the server's own, closed below; the test's stays open to clean up.
    const store = await createDb(db.url, db.schema ? { schema: db.schema, poolSize: 2 } : {});
    const app = await buildServer({ store, config, log });
    try {
      const ready = await app.inject({ method: 'GET', url: '/readyz' });
      expect(ready.statusCode).toBe(200);
      expect(ready.json()).toEqual({ status: 'ready', database: dialect });

      await store.close();
      const unready = await app.inject({ method: 'GET', url: '/readyz' });
      expect(unready.statusCode).toBe(503);
      expect(unready.json()).toEqual({ status: 'unavailable', database: dialect, error: expect.stringMatching(/^the database does not answer: \S.+/) });
      // Liveness does not depend on the database: restarting the process would not bring it back.
      const alive = await app.inject({ method: 'GET', url: '/healthz' });
      expect(alive.statusCode).toBe(200);
      expect(alive.json()).toEqual({ status: 'ok' });
    } finally {
      await app.close();
      await db.cleanup();
    }
  });
});

/**
 * A TCP relay to the test PostgreSQL that can be cut and restored: the network between rosterd and its database
 * failing and coming back, with no process restarted.
 */
class Relay {
  private server: Server | undefined;
  private readonly sockets = new Set<Socket>();
  private down = false;
  port = 0;

  constructor(private readonly target: { host: string; port: number }) {}

  async start(): Promise<void> {
    this.server = createServer((client) => {
      if (this.down) return client.destroy();
      const upstream = connect(this.target.port, this.target.host);
      for (const socket of [client, upstream]) {
        this.sockets.add(socket);
        socket.on('close', () => this.sockets.delete(socket));
        socket.on('error', () => undefined);
      }
      client.on('close', () => upstream.destroy());
      upstream.on('close', () => client.destroy());
      client.pipe(upstream).pipe(client);
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.port = (this.server!.address() as { port: number }).port;
  }

  /** Drop every open connection and refuse new ones. */
  cut(): void {
    this.down = true;
    for (const socket of this.sockets) socket.destroy();
  }

  restore(): void {
    this.down = false;
  }

  async stop(): Promise<void> {
    this.cut();
    await new Promise<void>((resolve) => this.server?.close(() => resolve()) ?? resolve());
  }
}

describe('/readyz when the network to PostgreSQL fails and recovers', () => {
  const target = new URL(TEST_POSTGRES_URL);
  const relay = new Relay({ host: target.hostname, port: Number(target.port || 5432) });
  let admin: Store;
  beforeAll(async () => {
    await relay.start();
    admin = await createDb(TEST_POSTGRES_URL, { poolSize: 1 });
  });
  afterAll(async () => {
    await relay.stop();
    await admin.close();
  });
  /** Whether the server is running a query that carries `marker`, seen on a connection of its own. */
  const running = async (marker: string) =>
    (await sql<{ n: number }>`select count(*)::int as n from pg_stat_activity where state = 'active' and query like ${`%${marker}%`} and query not like '%pg_stat_activity%'`.execute(admin.db)).rows[0]!.n > 0;

  it('turns 503 while the database is unreachable and ready again once it answers, with no restart', async () => {
    const url = new URL(TEST_POSTGRES_URL);
    url.host = `127.0.0.1:${relay.port}`;
    const store = await createDb(url.toString(), { poolSize: 2 });
    const app = await buildServer({ store, config, log });
    try {
      expect((await app.inject({ method: 'GET', url: '/readyz' })).statusCode).toBe(200);
      // A query in flight when the network fails: it fails, and the process goes on (no uncaught 'error').
      const marker = `readyz_${Date.now()}`;
      const inFlight = sql`select pg_sleep(30) as ${sql.raw(marker)}`.execute(store.db);
      while (!(await running(marker))) await sleep(20);

      relay.cut();
      await expect(inFlight).rejects.toThrow(/Connection terminated/);
      const unready = await app.inject({ method: 'GET', url: '/readyz' });
      expect(unready.statusCode).toBe(503);
      expect(unready.json()).toMatchObject({ status: 'unavailable', database: 'postgres', error: expect.stringMatching(/^the database does not answer: \S/) });

      relay.restore();
      const again = await app.inject({ method: 'GET', url: '/readyz' });
      expect(again.statusCode).toBe(200);
      expect(again.json()).toEqual({ status: 'ready', database: 'postgres' });
    } finally {
      await app.close();
      relay.cut();
      await store.close().catch(() => undefined);
    }
  });
});
