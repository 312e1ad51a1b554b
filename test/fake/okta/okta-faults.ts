/**
 * Injected failures for the fake org: a 429 (with exactly one X-Rate-Limit-Reset, so the SDK retries it), a
 * 5xx, or a timeout (the request hangs: the fake holds it open and never answers, until the client gives up or the
 * fake is reset or stopped), served after a number of further requests to the chosen routes. Each fault counts its
 * own requests from the moment it is injected.
 */
export type OktaRoute = 'appUsers' | 'appUser' | 'appGroups' | 'groupUsers' | 'user' | 'userGroups' | 'app' | 'logs' | 'token';

export interface FaultSpec {
  status: 429 | 500 | 502 | 503 | 504 | 'timeout';
  /** How many consecutive matching requests fail. */
  count: number;
  /** Matching requests to let through first. */
  afterRequests?: number;
  /** Routes the fault applies to; default every API route except the token endpoint. */
  routes?: readonly OktaRoute[];
  /**
   * For 429: X-Rate-Limit-Reset = the response's Date second + this. The SDK waits Reset·1000 − Date + 1000 ms
   *, so 0 means a 1 s wait and -1 makes the retry immediate, which keeps tests fast.
   */
  resetAfterSeconds?: number;
}

interface ActiveFault {
  spec: FaultSpec;
  skip: number;
  remaining: number;
}

export class FaultInjector {
  private faults: ActiveFault[] = [];

  add(spec: FaultSpec): void {
    this.faults.push({ spec, skip: spec.afterRequests ?? 0, remaining: spec.count });
  }

  clear(): void {
    this.faults = [];
  }

  /** Count this request against every matching fault; the first one that is due answers it. */
  take(route: OktaRoute): FaultSpec | null {
    let due: FaultSpec | null = null;
    for (const fault of this.faults) {
      const routes = fault.spec.routes ?? null;
      if (routes ? !routes.includes(route) : route === 'token') continue;
      if (fault.skip > 0) {
        fault.skip--;
      } else if (fault.remaining > 0 && due === null) {
        fault.remaining--;
        due = fault.spec;
      }
    }
    this.faults = this.faults.filter((f) => f.remaining > 0);
    return due;
  }
}
