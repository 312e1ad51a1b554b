import { median } from './median.js';
import { startGatewayProcess } from './server-process.js';
import { patchTitle, postUser, runLoad, scimHeaders, type LoadSettings } from './workloads.js';

/** What the event log costs the IdP traffic: each write workload's throughput with it off and on, in turns. */
export interface EventLogCost {
  workload: string;
  /** The gateway's server.workers. */
  workers: number;
  /** req/s per round with `events.enabled: false`. */
  off: number[];
  /** req/s per round with the event log written. */
  on: number[];
  /** The server's CPU time per request, µs, per round: steadier than req/s on a machine whose speed varies. */
  offCpuUs: number[];
  onCpuUs: number[];
  /** Median on ÷ median off. */
  ratio: number;
}

export interface EventLogCostOptions {
  database: string;
  workers: number;
  basePath: string;
  token: string;
  /** Members of the workspace the PATCHes change. */
  ids: readonly string[];
  load: LoadSettings;
  /** Off-then-on rounds per workload: alternating, so a slow spell of the machine hits both sides. */
  rounds: number;
  quietWaitMs: number;
  log: (line: string) => void;
}

/** Run POST and PATCH against a gateway started with the event log off, then one with it on, `rounds` times. */
export async function measureEventLogCost(options: EventLogCostOptions): Promise<EventLogCost[]> {
  const kinds = [
    { label: 'POST /Users', make: () => postUser(options.basePath) },
    { label: 'PATCH title', make: () => patchTitle(options.basePath, options.ids) },
  ];
  const results: EventLogCost[] = [];
  for (const kind of kinds) {
    const off: number[] = [];
    const on: number[] = [];
    const offCpuUs: number[] = [];
    const onCpuUs: number[] = [];
    for (let round = 0; round < options.rounds; round++) {
      for (const eventLog of [false, true]) {
        const gateway = await startGatewayProcess({ database: options.database, workers: options.workers, eventLog });
        try {
          const result = await runLoad(gateway.url, scimHeaders(options.token), kind.make(), options.load, { serverPid: gateway.pid, quietWaitMs: options.quietWaitMs });
          if (result.non2xx + result.errors > 0) throw new Error(`${kind.label} with the event log ${eventLog ? 'on' : 'off'}: ${result.non2xx} non-2xx, ${result.errors} errors: ${result.errorSamples[0] ?? ''}`);
          const cpuUs = (result.cpu.serverSeconds * 1e6) / Math.max(1, result.requests);
          (eventLog ? on : off).push(result.requestsPerSecond);
          (eventLog ? onCpuUs : offCpuUs).push(cpuUs);
          options.log(`    ${kind.label}, event log ${eventLog ? 'on ' : 'off'}: ${Math.round(result.requestsPerSecond)} req/s, ${Math.round(cpuUs)} µs server CPU each`);
        } finally {
          await gateway.stop();
        }
      }
    }
    results.push({ workload: kind.label, workers: options.workers, off, on, offCpuUs, onCpuUs, ratio: median(on) / median(off) });
  }
  return results;
}
