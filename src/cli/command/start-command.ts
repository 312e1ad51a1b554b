import type { Command } from 'commander';
import { loadConfig } from '../../config/load-config.js';
import { startGateway } from '../../daemon/start-gateway.js';
import type { GlobalOptions } from '../open-store.js';
import { scimBaseUrl } from '../scim-base-url.js';

/** How long a SIGTERM waits for in-flight requests before the process exits anyway. */
const SHUTDOWN_GRACE_MS = 30_000;

export function registerStartCommand(program: Command, globals: () => GlobalOptions): void {
  program
    .command('start')
    .description('run the gateway: the SCIM 2.0 server (SQLite at ./data/rosterd.db unless configured)')
    .action(async () => {
      const options = globals();
      const env = options.database ? { ...process.env, ROSTERD_DATABASE: options.database } : process.env;
      const config = loadConfig({ ...(options.config ? { path: options.config } : {}), env });
      const gateway = await startGateway(config);
      const lines = [`rosterd is listening on ${gateway.url} (database ${gateway.store.description})`];
      if (gateway.bootstrap) {
        lines.push(
          '',
          `Created workspace "${gateway.bootstrap.workspaceId}" (V2). Point your IdP at it:`,
          `  SCIM base URL  ${scimBaseUrl({ ...config, server: { ...config.server, port: Number(new URL(gateway.url).port) } }, gateway.bootstrap.workspaceId)}`,
          `  API key        ${gateway.bootstrap.token}`,
          '  The key is shown only this once; rosterd stores only its hash. Make more with: rosterd key create <workspace> --name NAME',
          '',
        );
      }
      process.stdout.write(`${lines.join('\n')}\n`);
      let stopping = false;
      const stop = (signal: string) => {
        if (stopping) return;
        stopping = true;
        gateway.log.info({ signal }, 'shutting down');
        setTimeout(() => process.exit(1), SHUTDOWN_GRACE_MS).unref();
        gateway.close().then(
          () => process.exit(0),
          (error: unknown) => {
            gateway.log.error({ err: error }, 'shutdown failed');
            process.exit(1);
          },
        );
      };
      process.once('SIGTERM', () => stop('SIGTERM'));
      process.once('SIGINT', () => stop('SIGINT'));
    });
}
