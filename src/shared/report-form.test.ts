import { describe, expect, it } from 'vitest';
import { reportInputSchema } from './report.js';
import { EMPTY_REPORT_FORM, observedAtOf, reportInputOf, typedCount, zonedLocalTime } from './report-form.js';

describe('the public report form', () => {
  it('reads a chosen time in the coalition’s time zone, also across a clock change', () => {
    expect(zonedLocalTime('2026-12-03T10:30', 'America/Los_Angeles')?.toISOString()).toBe(
      '2026-12-03T18:30:00.000Z',
    );
    expect(zonedLocalTime('2026-07-03T10:30', 'America/Los_Angeles')?.toISOString()).toBe(
      '2026-07-03T17:30:00.000Z',
    );
    expect(zonedLocalTime('2026-03-08T03:30', 'America/New_York')?.toISOString()).toBe(
      '2026-03-08T07:30:00.000Z',
    );
    expect(zonedLocalTime('yesterday', 'UTC')).toBeNull();
  });

  it('turns "15 minutes ago" into a time and refuses a chosen time that is not one', () => {
    const now = new Date('2026-12-03T12:00:00Z');
    expect(observedAtOf({ when: '15', observedAt: '' }, now, () => null)).toBe('2026-12-03T11:45:00.000Z');
    expect(observedAtOf({ when: 'custom', observedAt: 'x' }, now, () => null)).toBeNull();
  });

  it('passes a count that is not a whole number on, for the schema to name', () => {
    expect(typedCount('')).toBeUndefined();
    expect(typedCount(' 12 ')).toBe(12);
    const input = reportInputOf(
      {
        ...EMPTY_REPORT_FORM,
        activity: 'raid',
        agents: 'many',
        zone: '4b7c2c9e-2f7a-4f0e-9a59-1d1a7a1e7b10',
      },
      { language: 'es', observedAt: '2026-12-03T12:00:00.000Z' },
    );
    const parsed = reportInputSchema.safeParse(input);
    expect(parsed.success).toBe(false);
    expect(parsed.error?.issues.map((issue) => issue.path.join('.'))).toEqual(['size.agents']);
  });
});
