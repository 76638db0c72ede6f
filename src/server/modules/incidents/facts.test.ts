import { latLngToCell } from 'h3-js';
import { describe, expect, it } from 'vitest';
import type { IncidentSummary } from '../../../shared/incident.js';
import { publicCellOf } from '../zones/geo.js';
import { incidentFacts } from './facts.js';

const [LAT, LNG] = [34.0472, -118.2195];

const summary = (overrides: Partial<IncidentSummary> = {}): IncidentSummary => ({
  id: '5f0c2d1e-8a7b-4c3d-9e1f-0a1b2c3d4e5f',
  number: 42,
  status: 'confirmed',
  mergedInto: null,
  activity: 'checkpoint',
  zone: { id: '6a1b2c3d-4e5f-4a7b-8c9d-0e1f2a3b4c5d', name: 'Boyle Heights' },
  h3Cell: publicCellOf(LAT, LNG),
  center: { lat: LAT, lng: LNG },
  reportCount: 3,
  firsthandCount: 2,
  preciseCount: 1,
  agents: 6,
  vehicles: 2,
  firstObservedAt: '2026-11-29T10:31:07.120Z',
  lastObservedAt: '2026-11-29T10:44:59.999Z',
  lastActivityAt: '2026-11-29T10:46:00.000Z',
  respondersActive: 1,
  safety: 'ok',
  ...overrides,
});

describe('an incident as an approver sees it', () => {
  it('gives the public cell the board shows, never a finer one, and rounded times', () => {
    const facts = incidentFacts(summary());
    expect(facts.cell).toBe(publicCellOf(LAT, LNG));
    expect(incidentFacts(summary({ h3Cell: latLngToCell(LAT, LNG, 11) })).cell).toBe(publicCellOf(LAT, LNG));
    expect(incidentFacts(summary({ h3Cell: null })).cell).toBeNull();
    expect(facts.firstObservedAt).toBe('2026-11-29T10:30:00.000Z');
    expect(facts.lastObservedAt).toBe('2026-11-29T10:40:00.000Z');
  });

  it('carries nothing but the verdict and public facts', () => {
    expect(Object.keys(incidentFacts(summary())).sort()).toEqual(
      [
        'activity',
        'cell',
        'firstObservedAt',
        'firsthandCount',
        'lastObservedAt',
        'number',
        'reportCount',
        'status',
        'zone',
      ].sort(),
    );
  });
});
