import { cellToParent, latLngToCell } from 'h3-js';
import { describe, expect, it } from 'vitest';
import { type Candidate, cellDistanceKm, pairUp, rankResponders } from './suggestions.js';

const cell = (lat: number, lng: number) => cellToParent(latLngToCell(lat, lng, 9), 8);
const BOYLE_HEIGHTS = cell(34.0472, -118.2195);
/** A point `km` east of Boyle Heights. */
const east = (km: number) => cell(34.0472, -118.2195 + km / (111.32 * Math.cos((34.0472 * Math.PI) / 180)));

const candidate = (userId: string, overrides: Partial<Candidate> = {}): Candidate => ({
  userId,
  name: userId,
  cell: null,
  homeZoneIds: [],
  languages: ['en', 'es'],
  skills: [],
  load: 0,
  ...overrides,
});

describe('ranking responders for an incident', () => {
  it('turns grid distance into kilometres close to the real distance', () => {
    for (const km of [1, 3, 8]) expect(cellDistanceKm(BOYLE_HEIGHTS, east(km))).toBeGreaterThan(km * 0.6);
    for (const km of [1, 3, 8]) expect(cellDistanceKm(BOYLE_HEIGHTS, east(km))).toBeLessThan(km * 1.5 + 1);
    expect(cellDistanceKm(BOYLE_HEIGHTS, BOYLE_HEIGHTS)).toBe(0);
  });

  it('puts the nearest first, and an unknown location behind someone known to be close', () => {
    const ranked = rankResponders(
      [candidate('far', { cell: east(9) }), candidate('unknown'), candidate('near', { cell: east(1) })],
      { cell: BOYLE_HEIGHTS, zoneId: null, languages: [], skill: null },
    );
    expect(ranked.map((r) => r.userId)).toEqual(['near', 'unknown', 'far']);
    expect(ranked[1]?.reasons).toContain('distance_unknown');
  });

  it('weighs language, skill and current load against distance', () => {
    const need = { cell: BOYLE_HEIGHTS, zoneId: 'z1', languages: ['es'], skill: 'legal_observer' as const };
    const ranked = rankResponders(
      [
        candidate('english-only', { cell: east(1), languages: ['en'], skills: ['legal_observer'] }),
        candidate('busy', { cell: east(1), skills: ['legal_observer'], load: 2 }),
        candidate('observer', { cell: east(3), skills: ['legal_observer'] }),
        candidate('no-skill', { cell: east(1) }),
      ],
      need,
    );
    expect(ranked[0]?.userId).toBe('observer');
    expect(ranked.find((r) => r.userId === 'english-only')?.reasons).toContain('no_common_language');
    expect(ranked.find((r) => r.userId === 'busy')?.reasons).toContain('busy');
  });

  it('pairs legal observers with the nearest other one', () => {
    const cells = new Map([
      ['a', east(0)],
      ['b', east(6)],
      ['c', east(1)],
      ['d', east(7)],
    ]);
    const ranked = rankResponders(
      [...cells].map(([id, c]) => candidate(id, { cell: c })),
      { cell: BOYLE_HEIGHTS, zoneId: null, languages: [], skill: null },
    );
    expect(pairUp(ranked, cells).map(([x, y]) => [x.userId, y.userId])).toEqual([
      ['a', 'c'],
      ['b', 'd'],
    ]);
  });
});
