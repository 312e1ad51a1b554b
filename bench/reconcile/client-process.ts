import { performance } from 'node:perf_hooks';
import type { ConnectorBinding } from '../../src/config/config-schema.js';
import type { ConnectorLogger } from '../../src/connector/connector.js';
import type { ReconcileOutcome, ReconcileRequest } from '../../src/reconcile/reconcile-request.js';
import { reconcile } from '../../src/reconcile/reconciler.js';
import type { Store } from '../../src/store/store.js';
import { processStats, serve, type ProcessStats } from '../connector/ipc.js';
import { makePlan, type ChangePlan, type Plan } from '../connector/plan.js';
import { withCpuProfile } from './cpu-profile.js';
import { checkFull, checkIncremental, checkNoChange, checkQuiet, storeCounts, writeElsewhere, type StoreCounts } from './checks.js';
import { openBenchStore, WORKSPACE } from './database.js';

/**
 * Child process of the reconcile benchmark: the gateway's side of a pull cycle. It opens the prepared database
 * and runs `reconcile()` with the Entra binding exactly as configured in production (the registry creates the
 * real connector, which reads the fake Graph in the other process), then checks what the store holds. Its peak
 * RSS (ru_maxrss) is the cycle's. NODE_EXTRA_CA_CERTS trusts the fake's certificate.
 */
export interface OpenRequest {
  url: string;
  schema?: string;
  binding: ConnectorBinding;
  members: number;
}

export interface CycleResult {
  /** reconcile() wall time, this process's clock. */
  seconds: number;
  /** Until the apply phase began (read, compare, plan written) and from there to the end; apply is 0 with nothing to apply. */
  planSeconds: number;
  applySeconds: number;
  /** The largest RSS sampled at progress reports while planning (read + compare) and while applying, bytes. */
  rssSampled: { plan: number; apply: number };
  outcome: ReconcileOutcome;
  /** This process after the cycle; maxRss is its lifetime peak. */
  stats: ProcessStats;
  counts?: StoreCounts;
  /** Correctness problems (empty = the store is as planned). */
  problems: string[];
}

const quiet: ConnectorLogger = { debug() {}, info() {}, warn() {}, error() {} };

let store: Store | null = null;
let binding: ConnectorBinding | null = null;
let plan: Plan | null = null;

/** Options of every cycle request: `profileFile` runs the cycle under the CPU profiler and writes the profile there. */
export interface CycleRequest {
  profileFile?: string;
}

async function cycle(mode: ReconcileRequest['mode'], req: CycleRequest | null): Promise<Omit<CycleResult, 'problems' | 'stats'>> {
  return req?.profileFile ? withCpuProfile(req.profileFile, () => timedCycle(mode)) : timedCycle(mode);
}

async function timedCycle(mode: ReconcileRequest['mode']): Promise<Omit<CycleResult, 'problems' | 'stats'>> {
  if (!store || !binding) throw new Error('open first');
  let applyStarted: number | null = null;
  const rssSampled = { plan: 0, apply: 0 };
  const started = performance.now();
  const outcome = await reconcile(
    { store, config: { connectors: [binding] }, log: quiet, clock: () => new Date() },
    {
      workspaceId: WORKSPACE,
      mode,
      dryRun: false,
      trigger: 'cli',
      onProgress: (p) => {
        if (p.phase === 'apply' && applyStarted === null) applyStarted = performance.now();
        const phase = p.phase === 'apply' ? 'apply' : 'plan';
        rssSampled[phase] = Math.max(rssSampled[phase], process.memoryUsage.rss());
      },
    },
  );
  const ended = performance.now();
  const split = applyStarted ?? ended;
  return {
    seconds: (ended - started) / 1000,
    planSeconds: (split - started) / 1000,
    applySeconds: (ended - split) / 1000,
    rssSampled,
    outcome: { ...outcome, warnings: outcome.warnings.slice(0, 5) },
  };
}

serve({
  async open(req: OpenRequest): Promise<null> {
    store = await openBenchStore(req);
    binding = req.binding;
    plan = makePlan(req.members);
    return null;
  },

  /** mode full from an empty store: every member created. */
  async full(req: CycleRequest | null): Promise<CycleResult> {
    const result = await cycle('full', req);
    const stats = processStats();
    const counts = await storeCounts(store!, WORKSPACE);
    return { ...result, stats, counts, problems: checkFull(plan!, result.outcome, counts) };
  },

  /** mode auto after the fake's changes: the saved delta cursor. */
  async incremental(req: CycleRequest & { planned: ChangePlan }): Promise<CycleResult> {
    const result = await cycle('auto', req);
    const stats = processStats();
    const problems = await checkIncremental(store!, WORKSPACE, plan!, req.planned, result.outcome);
    if (result.outcome.membersRead > 1000) problems.unshift(`the incremental cycle read ${result.outcome.membersRead} members (a full read?)`);
    return { ...result, stats, problems };
  },

  /** mode auto with nothing changed in the IdP: the delta read and the drift check, nothing to apply. */
  async quiet(req: CycleRequest | null): Promise<CycleResult> {
    const result = await cycle('auto', req);
    return { ...result, stats: processStats(), problems: checkQuiet(result.outcome, 0) };
  },

  /**
   * mode auto with nothing changed in the IdP after another source wrote `written` of the binding's members and the
   * records of `refused` users say they are out of line: the drift check plans those again, finds them matching.
   */
  async drifted(req: CycleRequest & { written: number; refused: number }): Promise<CycleResult> {
    await writeElsewhere(store!, WORKSPACE, req.written, req.refused);
    const result = await cycle('auto', req);
    return { ...result, stats: processStats(), problems: checkQuiet(result.outcome, req.written + req.refused) };
  },

  /** mode full again with nothing changed since. */
  async again(req: CycleRequest & { planned: ChangePlan }): Promise<CycleResult> {
    const result = await cycle('full', req);
    return { ...result, stats: processStats(), problems: checkNoChange(plan!, req.planned, result.outcome) };
  },

  async close(): Promise<null> {
    await store?.close();
    store = null;
    return null;
  },

  stats: processStats,
});
