import cluster from 'node:cluster';
import { availableParallelism } from 'node:os';
import type { Command } from 'commander';
import { RosterdError } from '../../error/rosterd-error.js';
import type { Config } from '../../config/config-schema.js';
import type { Gateway } from '../../daemon/start-gateway.js';
import type { Logger } from '../../log/create-logger.js';
import type { GlobalOptions } from '../open-store.js';
import { scimBaseUrl } from '../scim-base-url.js';

/**
 * Shutdown budget, within Kubernetes' 30 s before SIGKILL at the default `daemon.shutdownGraceSeconds`: a running cycle
 * gets the grace to finish, is then aborted and gets ABORT_WAIT_MS to return. Exit 0 when everything stopped, 1 when a
 * cycle did not (its run recorded as aborted); at grace + DEADLINE_SLACK_MS the process exits 1 regardless.
 */
const ABORT_WAIT_MS = 5_000;
const DEADLINE_SLACK_MS = 10_000;

export function registerStartCommand(program: Command, globals: () => GlobalOptions): void {
  program
    .command('start')
    .description('run the gateway: the SCIM 2.0 server and the connectors\' pull schedules (SQLite at ./data/rosterd.db unless configured)')
    .option('--port <port>', 'port to listen on; overrides server.port and $ROSTERD_PORT (default 8080)', parsePort)
    .option('--host <host>', 'address to listen on; overrides server.host and $ROSTERD_HOST (default 127.0.0.1; 0.0.0.0 for every interface)')
    .addHelpText('after', '\nEnvironment: ROSTERD_CONFIG, ROSTERD_DATABASE, ROSTERD_HOST, ROSTERD_PORT, ROSTERD_PUBLIC_URL, ROSTERD_WORKERS, ROSTERD_LOG_LEVEL.')
    .action(async (listen: { port?: number; host?: string }) => {
      const options = globals();
      // Lazy: the config schema (zod, YAML) is not needed for --help or other commands' registration.
      const { loadConfig } = await import('../../config/load-config.js');
      const env = {
        ...process.env,
        ...(options.database ? { ROSTERD_DATABASE: options.database } : {}),
        ...(listen.port !== undefined ? { ROSTERD_PORT: String(listen.port) } : {}),
        ...(listen.host ? { ROSTERD_HOST: listen.host } : {}),
      };
      const config = loadConfig({ ...(options.config ? { path: options.config } : {}), env });
      const workers = config.server.workers === 'auto' ? availableParallelism() : config.server.workers;
      if (cluster.isWorker) await runWorker(config);
      else if (workers > 1) await runPrimary(config, workers);
      else await runSingle(config);
    });
}

function parsePort(value: string): number {
  const port = Number(value);
  if (!/^\d+$/.test(value) || port > 65_535) throw new RosterdError('ROSTERD_E_USAGE', `--port must be a port number from 0 to 65535, got "${value}"`);
  return port;
}

/** One process: the server and the schedules. */
async function runSingle(config: Readonly<Config>): Promise<void> {
  // Lazy: the server is what would make other commands slow to start.
  const [{ startGateway }, { createLogger, createRequestLogger }] = await Promise.all([import('../../daemon/start-gateway.js'), import('../../log/create-logger.js')]);
  const gateway = await startGateway(config, createLogger({ level: config.log.level }), { requestLog: createRequestLogger(config.log.level) });
  printBanner(config, gateway.url, gateway.store.description, gateway.bootstrap);
  onStopSignals(gateway.log, deadlineOf(config), () => closeGateway(gateway, config));
}

/** When a shutdown gives up waiting: the cycles' grace and abort, and a margin for the server and the database. */
const deadlineOf = (config: Readonly<Config>) => config.daemon.shutdownGraceSeconds * 1000 + DEADLINE_SLACK_MS;

/** A cluster worker: a gateway whose primary migrated and bootstrapped; worker 0 runs the schedules. */
async function runWorker(config: Readonly<Config>): Promise<void> {
  const [{ startGateway }, { createLogger, createRequestLogger }, { workerIndex, reportListening, onShutdownRequest, clusterMetricsRenderer, relayEvents }] = await Promise.all([
    import('../../daemon/start-gateway.js'),
    import('../../log/create-logger.js'),
    import('../../daemon/cluster-worker.js'),
  ]);
  const index = workerIndex() ?? 0;
  const log = createLogger({ level: config.log.level }).child({ worker: index });
  const gateway = await startGateway(config, log, { prepare: false, schedules: index === 0, metricsRenderer: clusterMetricsRenderer, relayEvents, requestLog: createRequestLogger(config.log.level).child({ worker: index }) });
  reportListening(gateway.url);
  const stop = onStopSignals(gateway.log, deadlineOf(config), () => closeGateway(gateway, config));
  onShutdownRequest(() => stop('primary'));
}

/** The cluster's primary: prepares the database once, forks the workers, passes shutdown on. */
async function runPrimary(config: Readonly<Config>, workers: number): Promise<void> {
  const [{ startCluster, WorkerStartFailed }, { createLogger }] = await Promise.all([import('../../daemon/cluster-primary.js'), import('../../log/create-logger.js')]);
  const log = createLogger({ level: config.log.level }).child({ role: 'primary' });
  const started = await startCluster(config, log, workers).catch((error: unknown) => {
    // The worker printed its own one-line error.
    if (error instanceof WorkerStartFailed) process.exit(error.exitCode);
    throw error;
  });
  printBanner(config, started.url, `${started.database}, ${started.workers} workers`, started.bootstrap);
  onStopSignals(log, deadlineOf(config), () => started.stop(), () => started.kill());
}

function closeGateway(gateway: Gateway, config: Readonly<Config>): Promise<number> {
  return gateway.close({ graceMs: config.daemon.shutdownGraceSeconds * 1000, abortWaitMs: ABORT_WAIT_MS }).then(
    () => 0,
    (error: unknown) => {
      gateway.log.error({ err: error }, 'shutdown failed');
      return 1;
    },
  );
}

function printBanner(config: Readonly<Config>, url: string, database: string, bootstrap: Gateway['bootstrap']): void {
  const lines = [`rosterd is listening on ${url} (database ${database})`];
  if (bootstrap) {
    lines.push(
      '',
      `Created workspace "${bootstrap.workspaceId}" (V2). Point your IdP at it:`,
      `  SCIM base URL  ${scimBaseUrl({ ...config, server: { ...config.server, port: Number(new URL(url).port) } }, bootstrap.workspaceId)}`,
      `  API key        ${bootstrap.token}`,
      '  The key is shown only this once; rosterd stores only its hash. Make more with: rosterd key create <workspace> --name NAME',
      '',
    );
  }
  process.stdout.write(`${lines.join('\n')}\n`);
}

/**
 * SIGTERM or SIGINT: stop taking work and exit with `close`'s code, or 1 after the deadline; a second signal exits at
 * once. Returns the trigger for other stop requests (a cluster primary's), which never count as a second signal.
 */
function onStopSignals(log: Logger, deadlineMs: number, close: () => Promise<number>, killNow: () => void = () => undefined): (reason: string) => void {
  let stopping = false;
  const stop = (reason: string) => {
    if (stopping) return;
    stopping = true;
    log.info({ reason }, 'shutting down: no new requests or pull cycles');
    setTimeout(() => {
      log.error({ deadlineMs }, 'shutdown deadline passed; exiting');
      killNow();
      process.exit(1);
    }, deadlineMs).unref();
    void close().then((code) => {
      log.info('shut down');
      process.exit(code);
    });
  };
  let signals = 0;
  const onSignal = (signal: string) => {
    if (++signals > 1) {
      log.warn({ signal }, 'second signal: exiting now');
      killNow();
      process.exit(1);
    }
    stop(signal);
  };
  process.on('SIGTERM', () => onSignal('SIGTERM'));
  process.on('SIGINT', () => onSignal('SIGINT'));
  return stop;
}
