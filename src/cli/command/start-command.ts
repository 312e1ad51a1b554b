import type { Command } from 'commander';
import { loadConfig } from '../../config/load-config.js';
import type { GlobalOptions } from '../open-store.js';
import { scimBaseUrl } from '../scim-base-url.js';

/**
 * Shutdown budget, inside the 30 s most supervisors (Kubernetes, systemd, Docker) wait before SIGKILL: a running
 * pull cycle gets CYCLE_GRACE_MS to finish, is then aborted (it stops between pages or apply batches; what it
 * committed stays committed) and gets ABORT_WAIT_MS to return; the process exits at SHUTDOWN_DEADLINE_MS at the
 * latest, with code 1, whatever is still running.
 */
const CYCLE_GRACE_MS = 20_000;
const ABORT_WAIT_MS = 5_000;
const SHUTDOWN_DEADLINE_MS = 30_000;

export function registerStartCommand(program: Command, globals: () => GlobalOptions): void {
  program
    .command('start')
    .description('run the gateway: the SCIM 2.0 server and the connectors\' pull schedules (SQLite at ./data/rosterd.db unless configured)')
    .action(async () => {
      const options = globals();
      const env = options.database ? { ...process.env, ROSTERD_DATABASE: options.database } : process.env;
      const config = loadConfig({ ...(options.config ? { path: options.config } : {}), env });
      // Loaded here, not at the top: the server (Fastify, SCIM, metrics) is what makes other commands slow to start.
      const { startGateway } = await import('../../daemon/start-gateway.js');
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
        if (stopping) {
          // A second signal (Ctrl-C again): the operator does not want to wait.
          gateway.log.warn({ signal }, 'second signal: exiting now');
          process.exit(1);
        }
        stopping = true;
        gateway.log.info({ signal }, 'shutting down: no new requests or pull cycles');
        setTimeout(() => {
          gateway.log.error({ deadlineMs: SHUTDOWN_DEADLINE_MS }, 'shutdown deadline passed; exiting');
          process.exit(1);
        }, SHUTDOWN_DEADLINE_MS).unref();
        gateway.close({ graceMs: CYCLE_GRACE_MS, abortWaitMs: ABORT_WAIT_MS }).then(
          () => {
            gateway.log.info('shut down');
            process.exit(0);
          },
          (error: unknown) => {
            gateway.log.error({ err: error }, 'shutdown failed');
            process.exit(1);
          },
        );
      };
      process.on('SIGTERM', () => stop('SIGTERM'));
      process.on('SIGINT', () => stop('SIGINT'));
    });
}
