import { describe, expect, it } from 'vitest';
import { HeavyRequestGate, WorkspaceBusy } from '../../../src/scim/heavy-request-gate.js';

/** A piece of work that runs until the test lets it finish, and says when it started. */
function held() {
  let finish!: () => void;
  let started = false;
  const done = new Promise<void>((resolve) => (finish = resolve));
  return {
    work: async () => {
      started = true;
      await done;
      return 'done';
    },
    finish: () => finish(),
    get started() {
      return started;
    },
  };
}

const settle = () => new Promise((resolve) => setImmediate(resolve));

describe('HeavyRequestGate', () => {
  it('runs as many at once as a workspace may, queues the next, and refuses past the queue with 429', async () => {
    const gate = new HeavyRequestGate(2, 1);
    const [a, b, c, d] = [held(), held(), held(), held()];
    const running = [gate.run('acme', a.work), gate.run('acme', b.work), gate.run('acme', c.work)];
    await settle();
    expect([a.started, b.started, c.started]).toEqual([true, true, false]);

    const refused = gate.run('acme', d.work);
    await expect(refused).rejects.toBeInstanceOf(WorkspaceBusy);
    await expect(refused).rejects.toMatchObject({ status: 429, detail: expect.stringContaining('scim.budgets.heavyRequestsPerWorkspace') });
    expect(d.started).toBe(false);

    a.finish();
    await settle();
    expect(c.started).toBe(true);
    b.finish();
    c.finish();
    await expect(Promise.all(running)).resolves.toEqual(['done', 'done', 'done']);
  });

  it('gives every workspace turns of its own: a busy one does not hold another', async () => {
    const gate = new HeavyRequestGate(1, 0);
    const busy = held();
    const first = gate.run('acme', busy.work);
    await expect(gate.run('acme', async () => 'x')).rejects.toBeInstanceOf(WorkspaceBusy);
    await expect(gate.run('globex', async () => 'globex ran')).resolves.toBe('globex ran');
    busy.finish();
    await first;
    await expect(gate.run('acme', async () => 'acme again')).resolves.toBe('acme again');
  });

  it('passes the turn on when the work fails', async () => {
    const gate = new HeavyRequestGate(1, 1);
    await expect(gate.run('acme', async () => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    await expect(gate.run('acme', async () => 'next')).resolves.toBe('next');
  });
});
