import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Child } from '../connector/ipc.js';
import type { QuietReadJob } from './quiet-reader-process.js';
import type { Timed } from './timed-request.js';

const here = path.dirname(fileURLToPath(import.meta.url));

/** The quiet tenant's reads, run in a new process that does nothing else (quiet-reader-process.ts). */
export async function readQuietlyInProcess(job: QuietReadJob): Promise<Timed[]> {
  const reader = new Child('quiet reader', path.join(here, 'quiet-reader-process.js'));
  try {
    return await reader.call<Timed[]>('run', job);
  } finally {
    await reader.stop();
  }
}
