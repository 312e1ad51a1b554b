import { serve } from '../connector/ipc.js';
import { pacedReads, type QuietTenant } from './paced-reads.js';

/**
 * The quiet tenant's reads in a process of their own (forked by quiet-reader.ts). Sharing an event loop with the
 * noisy tenant's client, each read also waited for that client to serialize a 10,000-operation body or read a
 * page of 1,000 users, and counted it as the server's.
 */
export interface QuietReadJob {
  quiet: QuietTenant;
  /** Read for so many seconds, or so many times. */
  until: { seconds: number } | { reads: number };
}

serve({
  run: ({ quiet, until }: QuietReadJob) => {
    const started = performance.now();
    return pacedReads(quiet, (k) => ('reads' in until ? k < until.reads : performance.now() - started < until.seconds * 1000));
  },
});
