import { latLngToCell } from 'h3-js';
import { describe, expect, it } from 'vitest';
import { groupingPolicySchema } from '../../../shared/incident.js';
import { type Candidate, chooseIncident, distanceKm, followRecent, groupingPlace } from './grouping.js';

const policy = groupingPolicySchema.parse({});
const T0 = new Date('2026-11-29T15:00:00Z');
const minutes = (n: number) => new Date(T0.getTime() + n * 60_000);
const ZONE = '00000000-0000-4000-8000-00000000000a';

function incident(overrides: Partial<Candidate> = {}): Candidate {
  return {
    id: 'near',
    zoneId: null,
    centerLat: 34.05,
    centerLng: -118.25,
    recentLat: null,
    recentLng: null,
    positionedCount: 3,
    reportCount: 3,
    firstObservedAt: T0,
    lastObservedAt: T0,
    ...overrides,
  };
}

/** A report about `km` kilometres east of the incident's center. */
const eastOf = (km: number, at = T0, activity: 'raid' | 'patrol' = 'raid') => ({
  position: { lat: 34.05, lng: -118.25 + km / (111.32 * Math.cos((34.05 * Math.PI) / 180)) },
  zoneId: null,
  observedAt: at,
  activity,
});

describe('grouping', () => {
  it('measures distance on the sphere', () => {
    // Downtown LA to Santa Monica pier is about 22 km.
    expect(distanceKm({ lat: 34.0522, lng: -118.2437 }, { lat: 34.0094, lng: -118.4973 })).toBeCloseTo(
      23.7,
      0,
    );
  });

  it('joins a report close in space and time, and not one too far or too late', () => {
    expect(chooseIncident(eastOf(1.2), [incident()], policy)?.id).toBe('near');
    expect(chooseIncident(eastOf(1.8), [incident()], policy)).toBeNull();
    expect(chooseIncident(eastOf(0.2, minutes(59)), [incident()], policy)?.id).toBe('near');
    expect(chooseIncident(eastOf(0.2, minutes(61)), [incident()], policy)).toBeNull();
    // Before the first sighting counts too: reports arrive out of order.
    expect(chooseIncident(eastOf(0.2, minutes(-50)), [incident()], policy)?.id).toBe('near');
  });

  it('is category-aware: a patrol moves, so it reaches farther than a raid', () => {
    expect(chooseIncident(eastOf(2.5), [incident()], policy)).toBeNull();
    expect(chooseIncident(eastOf(2.5, T0, 'patrol'), [incident()], policy)?.id).toBe('near');
  });

  it('follows a moving operation by where it was seen lately', () => {
    const moved = incident({
      recentLat: 34.05,
      recentLng: -118.25 + 1.4 / (111.32 * Math.cos((34.05 * Math.PI) / 180)),
    });
    expect(chooseIncident(eastOf(2.6), [incident()], policy)).toBeNull();
    expect(chooseIncident(eastOf(2.6), [moved], policy)?.id).toBe('near');
    let recent = { lat: 0, lng: 0 };
    for (let i = 0; i < 12; i++) recent = followRecent(recent, { lat: 1, lng: 1 });
    expect(recent.lat).toBeGreaterThan(0.95);
  });

  it('does not let a stray report’s incident nearby split a large operation', () => {
    const operation = incident({ id: 'operation', reportCount: 120 });
    const stray = incident({ id: 'stray', reportCount: 1, centerLng: -118.25 + 0.006 });
    expect(chooseIncident(eastOf(0.6), [operation, stray], policy)?.id).toBe('operation');
    // Beyond the large one's radius, the small one still takes what is near it.
    const apart = incident({ id: 'apart', reportCount: 2, centerLng: -118.25 + 0.018 });
    expect(chooseIncident(eastOf(1.7), [operation, apart], policy)?.id).toBe('apart');
  });

  it('takes the coalition’s own distances and windows', () => {
    const wide = groupingPolicySchema.parse({ radiusKm: 3, windowMinutes: 120 });
    expect(chooseIncident(eastOf(2.5, minutes(100)), [incident()], wide)?.id).toBe('near');
  });

  it('picks the nearest of several', () => {
    const far = incident({ id: 'far', centerLng: -118.24 });
    expect(chooseIncident(eastOf(0.1), [far, incident()], policy)?.id).toBe('near');
  });

  it('groups a report that names only a zone with an incident in that zone', () => {
    const report = { position: null, zoneId: ZONE, observedAt: minutes(10), activity: 'raid' as const };
    expect(chooseIncident(report, [incident({ zoneId: ZONE })], policy)?.id).toBe('near');
    expect(chooseIncident(report, [incident()], policy)).toBeNull();
  });

  it('places a report at its coarse public cell, never at its exact point', () => {
    const cell = latLngToCell(34.0472, -118.2195, 8);
    const place = groupingPlace(cell, null);
    expect(place.position).not.toBeNull();
    expect(place.position?.lat).not.toBe(34.0472);
    expect(distanceKm(place.position ?? { lat: 0, lng: 0 }, { lat: 34.0472, lng: -118.2195 })).toBeLessThan(
      0.6,
    );
  });
});
