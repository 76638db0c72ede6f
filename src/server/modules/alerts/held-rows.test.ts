import { describe, expect, it } from 'vitest';
import { heldDeliveries, renewEvery } from './held-rows.js';

const row = (subscriptionId: string, attempts = 1) => ({
  subscriptionId,
  attempts,
  contact: 'c',
  language: 'en',
});
const held = (leaseMs: number) => heldDeliveries({ leaseMs, renew: async () => [], heartbeat: false });

describe('the rows a sender holds', () => {
  it('renews at a heartbeat only the rows not claimed within the last half heartbeat', () => {
    const rows = held(60_000);
    rows.hold([row('a')], 0);
    rows.hold([row('b')], 15_000);
    expect(rows.due(20_000).map((r) => r.subscriptionId)).toEqual(['a']);
    expect(rows.due(40_000).map((r) => r.subscriptionId)).toEqual(['a', 'b']);
  });

  it.each([60_000, 10_000, 2_000])(
    'renews every row before its lease runs out, with half a lease still left (lease %i ms)',
    (leaseMs) => {
      const every = renewEvery(leaseMs);
      for (let claimed = 0; claimed < 3 * every; claimed += every / 37) {
        const rows = held(leaseMs);
        rows.hold([row('r')], claimed);
        // The first heartbeat after the claim that renews it.
        let beat = Math.ceil(claimed / every + 1e-9) * every;
        while (rows.due(beat).length === 0) beat += every;
        expect(rows.until('r') - beat).toBeGreaterThanOrEqual(leaseMs / 2 - 1e-6);
      }
    },
  );

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
