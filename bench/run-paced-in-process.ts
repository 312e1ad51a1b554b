import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Child } from './connector/ipc.js';
import type { PacedJob } from './paced-load-process.js';
import type { PacedResult } from './paced-load.js';

const here = path.dirname(fileURLToPath(import.meta.url));

/** `runPaced` in a new process that does nothing else (paced-load-process.ts), which exits afterwards. */
export async function runPacedInProcess(job: PacedJob): Promise<PacedResult> {
  const generator = new Child('paced load generator', path.join(here, 'paced-load-process.js'));
  try {
    return await generator.call<PacedResult>('run', job);
  } finally {
    await generator.stop();
  }
}
