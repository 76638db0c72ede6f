import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { PUBLIC_TIME_STEP_MINUTES, publicTime } from './public.js';

describe('public times', () => {
  it('are rounded down to five minutes', () => {
    expect(PUBLIC_TIME_STEP_MINUTES).toBe(5);
    expect(publicTime(new Date('2026-11-29T10:34:59.999Z')).toISOString()).toBe('2026-11-29T10:30:00.000Z');
    expect(publicTime(new Date('2026-11-29T10:35:00.000Z')).toISOString()).toBe('2026-11-29T10:35:00.000Z');
  });

  it('never move a time later, nor earlier than the step, and say nothing finer than it', () => {
    const step = PUBLIC_TIME_STEP_MINUTES * 60_000;
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 4_102_444_800_000 }), (ms) => {
        const rounded = publicTime(new Date(ms)).getTime();
        expect(rounded).toBeLessThanOrEqual(ms);
        expect(ms - rounded).toBeLessThan(step);
        expect(rounded % step).toBe(0);
        expect(publicTime(new Date(rounded)).getTime()).toBe(rounded);
      }),
    );
  });
});
