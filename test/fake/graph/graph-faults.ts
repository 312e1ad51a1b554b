/**
 * Injected failures for the fake Graph: after `afterRequests` more requests in scope, answer `count` of them with
 * `status` (a Graph error body, with `Retry-After` on 429/503/504), or with no answer at all (`timeout`: the request
 * hangs, held open until the client gives up or the fake is reset or stopped) or a dropped connection (`reset`).
 * Faults queue up and fire in order.
 */
export type FaultStatus = 401 | 403 | 429 | 500 | 502 | 503 | 504 | 'timeout' | 'reset';

export interface FaultSpec {
  status: FaultStatus;
  count: number;
  afterRequests?: number;
  /** Seconds in Retry-After; keep it 0 or 1 so tests stay fast. Default 0. */
  retryAfterSeconds?: number;
  /**
   * Which requests count: `lists` (the default) = the collections a connector pages through (appRoleAssignedTo,
   * group members, users, users/delta, memberOf, $batch); `all` = every Graph request; or a path pattern.
   */
  scope?: 'lists' | 'all' | RegExp;
}

interface ArmedFault {
  status: FaultStatus;
  remaining: number;
  wait: number;
  retryAfterSeconds: number;
  scope: 'lists' | 'all' | RegExp;
}

const LIST_PATH = /\/(approleassignedto|members|transitivemembers|memberof|transitivememberof|delta|\$batch)$|^\/v1\.0\/users$/i;

export class GraphFaults {
  private queue: ArmedFault[] = [];

  inject(spec: FaultSpec): void {
    this.queue.push({
      status: spec.status,
      remaining: spec.count,
      wait: spec.afterRequests ?? 0,
      retryAfterSeconds: spec.retryAfterSeconds ?? 0,
      scope: spec.scope ?? 'lists',
    });
  }

  clear(): void {
    this.queue = [];
  }

  /** The fault for this request, if one fires; counts the request against the head fault's `afterRequests`. */
  next(path: string): { status: FaultStatus; retryAfterSeconds: number } | null {
    const head = this.queue[0];
    if (!head) return null;
    const inScope = head.scope === 'all' || (head.scope === 'lists' ? LIST_PATH.test(path) : head.scope.test(path));
    if (!inScope) return null;
    if (head.wait > 0) {
      head.wait--;
      return null;
    }
    if (--head.remaining <= 0) this.queue.shift();
    return { status: head.status, retryAfterSeconds: head.retryAfterSeconds };
  }
}
