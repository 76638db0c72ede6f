import { afterEach, describe, expect, it, vi } from 'vitest';
import type { HeldRows } from './delivery-claims.repo.js';
import { heldDeliveries, renewEvery } from './held-rows.js';

const row = (subscriptionId: string, attempts = 1) => ({
  subscriptionId,
  attempts,
  contact: 'c',
  language: 'en',
});
const held = (leaseMs: number, sendingMs = 5_000) =>
  heldDeliveries({ leaseMs, sendingMs, renew: async () => [], heartbeat: false });

/**
 * The time a row has left at each heartbeat after it is claimed at `claimed`, every due renewal
 * answered at once, except those at the heartbeats in `failing`: `[left at the heartbeat, renewed]`.
 */
function lifeOf(leaseMs: number, sendingMs: number, claimed: number, failing: number[] = []) {
  const rows = held(leaseMs, sendingMs);
  rows.hold([row('r')], claimed);
  const every = renewEvery(leaseMs);
  const beats: [number, boolean][] = [];
  for (let k = Math.floor(claimed / every) + 1, n = 0; n < 6; k++, n++) {
    const beat = k * every;
    const due = rows.due(beat).length > 0;
    beats.push([rows.until('r') - beat, due]);
    if (due && !failing.includes(n)) rows.hold([row('r')], beat);
  }
  return beats;
}

const SETTINGS = [
  [60_000, 5_000], // the defaults
  [10_000, 5_000],
  [9_000, 5_000],
  [2_000, 5_000], // the tests' short lease
  [45_000, 30_000],
  [100_000, 30_000],
];

describe('the rows a sender holds', () => {
  it('renews at a heartbeat only the rows not claimed within the last half heartbeat', () => {
    const rows = held(60_000);
    rows.hold([row('a')], 0);
    rows.hold([row('b')], 15_000);
    expect(rows.due(20_000).map((r) => r.subscriptionId)).toEqual(['a']);
    expect(rows.due(40_000).map((r) => r.subscriptionId)).toEqual(['a', 'b']);
  });

  describe.each(SETTINGS)('with a %i ms lease and a %i ms time-out', (leaseMs, sendingMs) => {
    const every = renewEvery(leaseMs);
    const claims = Array.from({ length: 60 }, (_, i) => (i * 3 * every) / 60 + 1);

    it('renews a row with half a lease left at least, and a message always has the time it had when every row was renewed at every heartbeat', () => {
      for (const claimed of claims) {
        for (const [left, renewed] of lifeOf(leaseMs, sendingMs, claimed)) {
          expect(left).toBeGreaterThanOrEqual(Math.min(sendingMs, (2 * leaseMs) / 3) - 1e-6);
          if (renewed) expect(left).toBeGreaterThanOrEqual(leaseMs / 2 - 1e-6);
        }
      }
    });

    it('after one renewal failed, the next heartbeat still finds the time it found when all were renewed', () => {
      for (const claimed of claims) {
        const beats = lifeOf(leaseMs, sendingMs, claimed);
        const first = beats.findIndex(([, renewed]) => renewed);
        const failed = lifeOf(leaseMs, sendingMs, claimed, [first]);
        const [left] = failed[first + 1] ?? [0];
        expect(left).toBeGreaterThanOrEqual(Math.min(sendingMs, leaseMs / 3) - 1e-6);
      }
    });
  });

  it('keeps a row taken again (attempt 2) when the first attempt is marked, and no longer renews a marked one', () => {
    const rows = held(60_000);
    rows.hold([row('a', 2), row('b')], 0);
    rows.release({ subscriptionId: 'a', attempts: 1 });
    rows.release({ subscriptionId: 'b', attempts: 1 });
    expect(rows.until('a')).toBe(60_000);
    expect(rows.until('b')).toBe(0);
    expect(rows.due(30_000).map((r) => r.subscriptionId)).toEqual(['a']);
  });
});

describe('a heartbeat', () => {
  afterEach(() => vi.useRealTimers());

  it('extends the hold of the rows renewed, and ends at once the hold of a row the database no longer gives this sender', async () => {
    vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval', 'performance'] });
    const asked: HeldRows[] = [];
    const rows = heldDeliveries({
      leaseMs: 60_000,
      sendingMs: 5_000,
      // 'b' was taken by another sender (its lease ran out in the database's time).
      renew: async (due) => {
        asked.push(due);
        return due.map((r) => r.subscriptionId).filter((id) => id !== 'b');
      },
    });
    const start = performance.now();
    rows.hold([row('a'), row('b')], start);
    await vi.advanceTimersByTimeAsync(20_000);
    expect(asked.map((due) => due.map((r) => r.subscriptionId))).toEqual([['a', 'b']]);
    expect(rows.until('a')).toBe(start + 20_000 + 60_000);
    expect(rows.until('b')).toBe(0);
    rows.stop();
  });
});
