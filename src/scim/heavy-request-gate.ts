import { ScimError } from './scim-error.js';

interface Turn {
  running: number;
  waiting: (() => void)[];
}

const RETRY_AFTER_SECONDS = 1;

export class WorkspaceBusy extends ScimError {
  constructor(running: number, waiting: number) {
    super(
      429,
      undefined,
      `this workspace already has ${running} expensive requests running and ${waiting} waiting (scim.budgets.heavyRequestsPerWorkspace, scim.budgets.heavyRequestQueue); retry after ${RETRY_AFTER_SECONDS} s, or send fewer filtered list requests at once`,
      RETRY_AFTER_SECONDS,
    );
  }
}

/** Per process: one tenant never holds more than `perWorkspace` of the shared connections. */
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

  /** The turn passes straight to the first in line. */
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
