import { describe, expect, it } from 'vitest';
import {
  FRESH_SIGHTING_MINUTES,
  incidentPriority,
  type PriorityFacts,
  SIZE_THRESHOLDS,
  sizeClassOf,
} from './priority.js';
import { STALE_SIGHTING_MINUTES } from './report-fields.js';

const NOW = new Date('2026-03-02T18:00:00Z');
const minutesBefore = (minutes: number) => new Date(NOW.getTime() - minutes * 60_000).toISOString();

/** An open patrol seen first-hand at a precise place two minutes ago, size unknown. */
const incident = (overrides: Partial<PriorityFacts> = {}): PriorityFacts => ({
  status: 'open',
  activity: 'patrol',
  agents: null,
  vehicles: null,
  lastObservedAt: minutesBefore(2),
  reportCount: 1,
  firsthandCount: 1,
  preciseCount: 1,
  safety: 'ok',
  ...overrides,
});

describe('issue 14: the board’s priority rule', () => {
  it('puts a 15-agent raid seen 3 minutes ago above an ordinary row', () => {
    const raid = incidentPriority(
      incident({ activity: 'raid', agents: 15, vehicles: 4, lastObservedAt: minutesBefore(3) }),
      NOW,
    );
    expect(raid).toEqual({
      level: 'high',
      size: 'large',
      agents: 15,
      vehicles: 4,
      kind: 'detentions',
      minutesAgo: 3,
      freshness: 'now',
      flags: [],
    });
    expect(incidentPriority(incident({ agents: 2 }), NOW).level).toBe('normal');
  });

  it('makes a large team high priority whatever it is doing, and detentions high only when seen first-hand', () => {
    expect(incidentPriority(incident({ activity: 'staging', vehicles: 6 }), NOW).level).toBe('high');
    expect(incidentPriority(incident({ activity: 'arrest' }), NOW).level).toBe('high');
    expect(incidentPriority(incident({ activity: 'arrest', firsthandCount: 0 }), NOW)).toMatchObject({
      level: 'normal',
      flags: ['secondhand'],
    });
    expect(incidentPriority(incident({ activity: 'checkpoint', agents: 5 }), NOW)).toMatchObject({
      level: 'normal',
      size: 'medium',
      kind: 'operation',
    });
  });

  it('lowers what is stale, decided, or second-hand with no precise place', () => {
    const stale = incidentPriority(
      incident({ activity: 'raid', agents: 20, lastObservedAt: minutesBefore(STALE_SIGHTING_MINUTES + 1) }),
      NOW,
    );
    expect(stale).toMatchObject({ level: 'low', freshness: 'stale', flags: ['stale'] });
    for (const status of ['not_confirmed', 'closed', 'merged'] as const)
      expect(incidentPriority(incident({ status, activity: 'raid', agents: 20 }), NOW).level, status).toBe(
        'low',
      );
    expect(incidentPriority(incident({ status: 'confirmed', activity: 'raid' }), NOW).level).toBe('high');
    expect(incidentPriority(incident({ firsthandCount: 0, preciseCount: 0 }), NOW)).toMatchObject({
      level: 'low',
      flags: ['vague_location', 'secondhand'],
    });
    // A vague place alone, seen first-hand, is not lowered.
    expect(incidentPriority(incident({ preciseCount: 0 }), NOW).level).toBe('normal');
  });

  it('always raises an incident where a responder asked for help or missed a check-in', () => {
    for (const safety of ['help', 'missed'] as const)
      expect(
        incidentPriority(incident({ safety, status: 'closed', lastObservedAt: minutesBefore(300) }), NOW)
          .level,
      ).toBe('high');
  });

  it('says how fresh the newest sighting is, in whole minutes, never negative', () => {
    expect(
      incidentPriority(incident({ lastObservedAt: minutesBefore(FRESH_SIGHTING_MINUTES) }), NOW),
    ).toMatchObject({ minutesAgo: FRESH_SIGHTING_MINUTES, freshness: 'now' });
    expect(
      incidentPriority(incident({ lastObservedAt: minutesBefore(FRESH_SIGHTING_MINUTES + 1) }), NOW),
    ).toMatchObject({ freshness: 'recent' });
    expect(
      incidentPriority(incident({ lastObservedAt: minutesBefore(STALE_SIGHTING_MINUTES) }), NOW),
    ).toMatchObject({ freshness: 'recent', flags: [] });
    // A phone whose clock runs ahead does not make a sighting from the future.
    expect(incidentPriority(incident({ lastObservedAt: minutesBefore(-3) }), NOW).minutesAgo).toBe(0);
  });

  it('sizes a team from its agents or its vehicles, whichever says more', () => {
    const { large, medium } = SIZE_THRESHOLDS;
    expect(sizeClassOf(null, null)).toBe('unknown');
    expect(sizeClassOf(0, null)).toBe('small');
    expect(sizeClassOf(medium.agents - 1, medium.vehicles - 1)).toBe('small');
    expect(sizeClassOf(medium.agents, null)).toBe('medium');
    expect(sizeClassOf(null, medium.vehicles)).toBe('medium');
    expect(sizeClassOf(large.agents, 0)).toBe('large');
    expect(sizeClassOf(1, large.vehicles)).toBe('large');
  });
});
