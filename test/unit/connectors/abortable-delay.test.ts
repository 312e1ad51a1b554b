import { afterEach, describe, expect, it, vi } from 'vitest';
import { abortableDelay } from '../../../src/connector/abortable-delay.js';

describe('abortableDelay', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('resolves once the time has passed', async () => {
    vi.useFakeTimers();
    let done = false;
    const waiting = abortableDelay(5_000).then(() => {
      done = true;
    });
    await vi.advanceTimersByTimeAsync(4_999);
    expect(done).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    await waiting;
    expect(done).toBe(true);
  });

  it("rejects with the signal's reason when the signal fires during the wait", async () => {
    vi.useFakeTimers();
    const controller = new AbortController();
    const waiting = abortableDelay(60_000, controller.signal);
    const reason = new Error('shutting down');
    controller.abort(reason);
    await expect(waiting).rejects.toBe(reason);
  });

  it('rejects at once when the signal has already fired', async () => {
    const reason = new Error('already stopped');
    await expect(abortableDelay(60_000, AbortSignal.abort(reason))).rejects.toBe(reason);
  });
});
