import { ScimError } from './scim-error.js';

interface Turn {
  running: number;
  waiting: (() => void)[];
}

/** Seconds a refused client is told to wait before it tries again. */
const RETRY_AFTER_SECONDS = 1;

/** A request refused because its workspace already has as many expensive requests running and waiting as it may. */
export class WorkspaceBusy extends ScimError {
  readonly retryAfterSeconds = RETRY_AFTER_SECONDS;

  constructor(running: number, waiting: number) {
    super(
      429,
      undefined,
      `this workspace already has ${running} expensive requests running and ${waiting} waiting (scim.budgets.heavyRequestsPerWorkspace, scim.budgets.heavyRequestQueue); retry after ${RETRY_AFTER_SECONDS} s, or send fewer filtered list requests at once`,
    );
  }
}

/**
 * Turns for expensive requests, per workspace: at most `perWorkspace` run at once, up to `queue` more wait in
 * arrival order, and any beyond that are refused with 429. One tenant can then hold at most `perWorkspace` of the
 * connections or threads that expensive reads share, whatever it sends. Counted per process.
 */
export class HeavyRequestGate {
  private readonly turns = new Map<string, Turn>();

  constructor(
    private readonly perWorkspace: number,
    private readonly queue: number,
  ) {}

  async run<T>(workspaceId: string, work: () => Promise<T>): Promise<T> {
    await this.enter(workspaceId);
    try {
      return await work();
    } finally {
      this.leave(workspaceId);
    }
  }

  private enter(workspaceId: string): Promise<void> | void {
    let turn = this.turns.get(workspaceId);
    if (!turn) {
      turn = { running: 0, waiting: [] };
      this.turns.set(workspaceId, turn);
    }
    if (turn.running < this.perWorkspace) {
      turn.running++;
      return;
    }
    if (turn.waiting.length >= this.queue) throw new WorkspaceBusy(turn.running, turn.waiting.length);
    const waiting = turn.waiting;
    return new Promise((resolve) => waiting.push(resolve));
  }

  /** The finished request's turn passes straight to the first in line; the workspace's entry goes when nobody needs it. */
  private leave(workspaceId: string): void {
    const turn = this.turns.get(workspaceId);
    if (!turn) return;
    const next = turn.waiting.shift();
    if (next) {
      next();
      return;
    }
    turn.running--;
    if (turn.running === 0) this.turns.delete(workspaceId);
  }
}
