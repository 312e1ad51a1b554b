import { serve } from './connector/ipc.js';
import { runPaced, type PacedSettings } from './paced-load.js';

/**
 * The paced load generator as a process of its own (forked by run-paced-in-process.ts). In the benchmark's own
 * process it shared an event loop with the RSS sampler, the /proc scans and the seeded store, and every stall of
 * that loop left answered requests unread: their latency, as the generator counts it, kept running.
 */
export interface PacedJob {
  url: string;
  headers: Record<string, string>;
  paths: string[];
  settings: PacedSettings;
}

serve({ run: (job: PacedJob) => runPaced(job.url, job.headers, job.paths, job.settings) });
