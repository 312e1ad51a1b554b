import type { ReconcileProgress } from '../../reconcile/reconcile-request.js';

/**
 * Progress of a reconcile on stderr: on a terminal a one-line bar, shown only once the run has taken a second;
 * otherwise a plain log line when the phase changes and every few seconds, so CI logs and pipes stay readable.
 */
export interface ProgressView {
  update(progress: ReconcileProgress): void;
  done(): void;
}

const fmt = (n: number) => n.toLocaleString('en-US');

export function describeProgress(p: ReconcileProgress): string {
  const base = `read ${fmt(p.read)} · compared ${fmt(p.compared)}`;
  return p.phase === 'apply' ? `${base} · applied ${fmt(p.applied)}/${fmt(p.total)}` : base;
}

export function createProgressView(stream: NodeJS.WriteStream = process.stderr, clock: () => number = Date.now): ProgressView {
  const started = clock();
  let lastDraw = 0;
  let lastPhase: ReconcileProgress['phase'] | null = null;
  let drawn = false;
  if (stream.isTTY) {
    return {
      update(p) {
        const now = clock();
        if (now - started < 1000 || now - lastDraw < 100) return;
        lastDraw = now;
        drawn = true;
        const bar = p.phase === 'apply' && p.total > 0 ? `[${'#'.repeat(Math.round((20 * p.applied) / p.total)).padEnd(20, '.')}] ` : '';
        stream.write(`\r\x1b[2K${bar}${p.phase}: ${describeProgress(p)}`);
      },
      done() {
        if (drawn) stream.write('\r\x1b[2K');
      },
    };
  }
  return {
    update(p) {
      const now = clock();
      if (now - started < 1000 || (p.phase === lastPhase && now - lastDraw < 5000)) return;
      lastPhase = p.phase;
      lastDraw = now;
      stream.write(`rosterd: ${p.phase}: ${describeProgress(p)}\n`);
    },
    done() {},
  };
}
