import { afterEach, describe, expect, it, vi } from 'vitest';
import { GATHER_MS, startGrouper } from './grouper.js';

afterEach(() => {
  vi.useRealTimers();
});

/** A grouper over a fake grouping command that records when each pass ran and how many were waiting. */
function grouperOver(waiting: { n: number }) {
  const passes: number[] = [];
  const grouper = startGrouper({
    incidents: {
      async groupWaiting() {
        passes.push(waiting.n);
        const grouped = waiting.n;
        waiting.n = 0;
        return grouped;
      },
      anyWaiting: async () => waiting.n > 0,
    },
    pollMs: 60_000,
    tap: () => () => undefined,
    onError: (error) => {
      throw error;
    },
  });
  return { grouper, passes };
}

describe('the grouper', () => {
  it('groups a report stored after a quiet spell at once, without waiting to gather others', async () => {
    vi.useFakeTimers();
    const waiting = { n: 0 };
    const { grouper, passes } = grouperOver(waiting);
    await vi.advanceTimersByTimeAsync(1_000); // the start-up pass, then quiet
    expect(passes).toEqual([0]);
    waiting.n = 1;
    grouper.kick();
    await vi.advanceTimersByTimeAsync(0);
    expect(passes).toEqual([0, 1]);
    await grouper.stop();
  });

  it('in a stream of reports, starts passes at least GATHER_MS apart, each taking what came meanwhile', async () => {
    vi.useFakeTimers();
    const waiting = { n: 0 };
    const { grouper, passes } = grouperOver(waiting);
    await vi.advanceTimersByTimeAsync(1_000);
    waiting.n = 1;
    grouper.kick(); // at once
    await vi.advanceTimersByTimeAsync(0);
    // Five more within the next few milliseconds: one pass, GATHER_MS after the last.
    for (let i = 0; i < 5; i++) {
      waiting.n += 1;
      grouper.kick();
      await vi.advanceTimersByTimeAsync(2);
    }
    expect(passes).toEqual([0, 1]);
    await vi.advanceTimersByTimeAsync(GATHER_MS);
    expect(passes).toEqual([0, 1, 5]);
    await grouper.stop();
  });
});
