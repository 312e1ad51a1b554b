import type { FuzzRequest } from './fuzz-request.js';

export interface Failure {
  request: FuzzRequest;
  status: number;
  problem: string;
  /** What the server logged for it (a 500's cause), or the start of a 4xx's detail. */
  cause?: string;
}

interface FailureClass {
  failure: Failure;
  count: number;
  endpoints: Set<string>;
}

/** Long runs of the same few characters written as `«(( ×1000»`, so a 10,000-deep filter prints in one line. */
export function compact(text: string, max = 300): string {
  const runs = text.replace(/(.{1,8}?)\1{9,}/gsu, (run, unit: string) => `«${unit} ×${run.length / unit.length}»`);
  return runs.length > max ? `${runs.slice(0, max)}… (${text.length} chars)` : runs;
}

/** A server error message without its ids and numbers, so the same failure with other values is one class. */
const shape = (message: string | undefined) => (message ?? '').slice(0, 60).replace(/"[^"]*("|$)/g, '"…"').replace(/[0-9a-f]{8}-[0-9a-f-]{27}/gi, '{uuid}').replace(/\d+/g, 'N');

/** Failures grouped by status, problem and server error, each class with the endpoints it was seen on and its shortest request. */
export class FailureClasses {
  private readonly classes = new Map<string, FailureClass>();
  total = 0;

  add(failure: Failure): void {
    this.total++;
    const key = `${failure.status} ${shape(failure.problem)} ${shape(failure.cause)}`;
    const known = this.classes.get(key);
    const size = (f: Failure) => f.request.url.length + (f.request.payload?.length ?? 0);
    if (!known) this.classes.set(key, { failure, count: 1, endpoints: new Set([failure.request.endpoint]) });
    else {
      known.count++;
      known.endpoints.add(failure.request.endpoint);
      if (size(failure) < size(known.failure)) known.failure = failure;
    }
  }

  get size(): number {
    return this.classes.size;
  }

  /** One paragraph per class: what failed, how often, the shortest request that did it. */
  report(): string {
    return [...this.classes.values()]
      .sort((x, y) => y.count - x.count)
      .map(({ failure: f, count, endpoints }) => {
        const lines = [`- ${f.status}: ${f.problem} (${count}×; ${[...endpoints].sort().join(', ')})`];
        if (f.cause) lines.push(`  ${f.status >= 500 ? 'server' : 'detail'}: ${compact(f.cause, 200)}`);
        lines.push(`  shortest: ${f.request.method} ${compact(f.request.url)}`);
        if (f.request.payload !== undefined) lines.push(`  body: ${compact(f.request.payload)}`);
        const headers = Object.entries(f.request.headers).filter(([k]) => k !== 'authorization');
        if (headers.length > 0) lines.push(`  headers: ${headers.map(([k, v]) => `${k}: ${v}`).join(', ')}`);
        return lines.join('\n');
      })
      .join('\n');
  }
}
