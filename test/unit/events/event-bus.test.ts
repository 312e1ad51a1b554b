import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { EventBus } from '../../../src/events/event-bus.js';

describe('EventBus', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('wakes a waiter when an event after its sequence is announced, and not for another workspace', async () => {
    const bus = new EventBus();
    const waiting = bus.waitFor('acme', 3, 60_000);
    bus.published('other', 9);
    bus.published('acme', 3);
    let woken: boolean | undefined;
    void waiting.then((value) => (woken = value));
    await vi.advanceTimersByTimeAsync(0);
    expect(woken).toBeUndefined();
    bus.published('acme', 4);
    await expect(waiting).resolves.toBe(true);
  });

  it('answers at once when such an event was announced before, and false at the timeout or an abort', async () => {
    const bus = new EventBus();
    bus.published('acme', 5);
    await expect(bus.waitFor('acme', 4, 1_000)).resolves.toBe(true);
    const timedOut = bus.waitFor('acme', 5, 1_000);
    await vi.advanceTimersByTimeAsync(1_000);
    await expect(timedOut).resolves.toBe(false);
    const controller = new AbortController();
    const aborted = bus.waitFor('acme', 5, 60_000, controller.signal);
    controller.abort();
    await expect(aborted).resolves.toBe(false);
  });

  it('ignores an announcement of a sequence already announced, and tells subscribers the rest', () => {
    const bus = new EventBus();
    const heard: [string, number][] = [];
    const stop = bus.subscribe((workspaceId, seq) => heard.push([workspaceId, seq]));
    bus.published('acme', 1);
    bus.published('acme', 1);
    bus.published('acme', 2);
    stop();
    bus.published('acme', 3);
    expect(heard).toEqual([
      ['acme', 1],
      ['acme', 2],
    ]);
  });

  it('wakes an all-workspaces waiter for any workspace', async () => {
    const bus = new EventBus();
    const any = bus.waitForAny(60_000);
    bus.published('beta', 1);
    await expect(any).resolves.toBe(true);
    const none = bus.waitForAny(500);
    await vi.advanceTimersByTimeAsync(500);
    await expect(none).resolves.toBe(false);
  });
});
