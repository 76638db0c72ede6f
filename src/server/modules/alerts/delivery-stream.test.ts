import { describe, expect, it } from 'vitest';
import type { DeliveryOutcome } from './channels/outcome.js';
import { HALTED, type Pace, streamDeliveries } from './delivery-stream.js';

const pace: Pace = {
  batch: 100,
  inFlight: 2,
  perOrigin: 2,
  startPerOrigin: 2,
  setAsideAfter: null,
  markEach: false,
  lookahead: 0,
};

describe('a sender stream halted (its alert replaced by a follow-up)', () => {
  it('sends nothing more: what waits is handed back, the stream ends once the messages in flight are answered', async () => {
    const halt = new AbortController();
    const sent: number[] = [];
    const recorded = new Map<number, DeliveryOutcome>();
    let claims = 0;
    const answers: Array<() => void> = [];
    const done = streamDeliveries<number>({
      pace,
      halt: halt.signal,
      async claim() {
        claims += 1;
        return claims === 1 ? Array.from({ length: 10 }, (_, i) => i) : [];
      },
      originOf: () => 'slow',
      send: (item) =>
        new Promise((resolve) => {
          sent.push(item);
          // The first two wait for their answer; any later one would be answered at once.
          if (item < 2) answers.push(() => resolve({ kind: 'sent' }));
          else resolve({ kind: 'sent' });
        }),
      async record(items, outcomes) {
        for (const [i, item] of items.entries()) recorded.set(item, outcomes[i] as DeliveryOutcome);
      },
    });
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect(sent).toEqual([0, 1]);
    halt.abort();
    // The two in flight are answered; nothing else leaves.
    for (const answer of answers.splice(0)) answer();
    await done;
    expect(sent).toEqual([0, 1]);
    expect(recorded.get(0)).toEqual({ kind: 'sent' });
    expect(recorded.get(1)).toEqual({ kind: 'sent' });
    for (let i = 2; i < 10; i++) expect(recorded.get(i)).toEqual(HALTED);
  });
});
