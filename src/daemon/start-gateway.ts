import type { FastifyInstance } from 'fastify';
import type { Config } from '../config/config-schema.js';
import { RosterdError } from '../error/rosterd-error.js';
import { createLogger, type Logger } from '../log/create-logger.js';
import { createDb, type Store } from '../store/create-db.js';
import { migrateToLatest } from '../store/migrate.js';
import { bootstrapWorkspace } from '../admin/bootstrap.js';
import { buildServer } from './build-server.js';

export interface Gateway {
  app: FastifyInstance;
  store: Store;
  log: Logger;
  /** The address it listens on, e.g. http://127.0.0.1:8080. */
  url: string;
  bootstrap: { workspaceId: string; token: string } | null;
  close(): Promise<void>;
}

/** Open the database, migrate, bootstrap on first start, and listen. */
export async function startGateway(config: Readonly<Config>, log: Logger = createLogger({ level: config.log.level })): Promise<Gateway> {
  const store = await createDb(config.database);
  try {
    const applied = await migrateToLatest(store);
    if (applied.length) log.info({ migrations: applied }, 'database migrated');
    const bootstrap = await bootstrapWorkspace(store.db, config.bootstrap.workspace, new Date().toISOString());
    const app = await buildServer({ store, config, log });
    try {
      await app.listen({ host: config.server.host, port: config.server.port });
    } catch (error) {
      await app.close();
      throw new RosterdError('ROSTERD_E_LISTEN', `cannot listen on ${config.server.host}:${config.server.port}: ${(error as Error).message}`);
    }
    const address = app.server.address();
    const port = typeof address === 'object' && address ? address.port : config.server.port;
    const host = config.server.host.includes(':') ? `[${config.server.host}]` : config.server.host;
    log.info({ database: store.description, port }, 'rosterd is listening');
    return {
      app,
      store,
      log,
      url: `http://${host}:${port}`,
      bootstrap,
      close: async () => {
        await app.close();
        await store.close();
      },
    };
  } catch (error) {
    await store.close();
    throw error;
  }
}
