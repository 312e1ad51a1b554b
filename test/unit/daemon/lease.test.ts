import { describe, expect, it } from 'vitest';
import { heartbeatInterval, mayExpireBeforeNextBeat, newHolderId, pullLeaseName } from '../../../src/daemon/lease.js';

describe('lease helpers', () => {
  it('names a pull lease after workspace and binding', () => {
    expect(pullLeaseName('acme', 'entra')).toBe('pull:acme/entra');
  });

  it('makes a holder id of host, pid and a random part that differs per call', () => {
    const id = newHolderId();
    expect(id).toMatch(new RegExp(`^.+:${process.pid}:[0-9a-f]{8}$`));
    expect(newHolderId()).not.toBe(id);
  });

  it('renews three times per TTL and gives up when the next beat could come after the expiry', () => {
    expect(heartbeatInterval(60_000)).toBe(20_000);
    expect(mayExpireBeforeNextBeat(1_000, 61_000, 20_000)).toBe(false);
    expect(mayExpireBeforeNextBeat(41_000, 61_000, 20_000)).toBe(true);
  });
});
