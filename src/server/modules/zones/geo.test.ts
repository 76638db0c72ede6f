import { cellToLatLng, cellToParent, getResolution, latLngToCell } from 'h3-js';
import { describe, expect, it } from 'vitest';
import { DEMO_ZONES } from '../demo/demo-data.js';
import { PUBLIC_CELL_RESOLUTION, polygonCells, publicCellOf, toPublicCell, zoneCellOf } from './geo.js';

describe('zone geometry', () => {
  const cellsByZone = new Map(DEMO_ZONES.map((zone) => [zone.slug, new Set(polygonCells(zone.boundary))]));

  it('fills every demo neighborhood with cells', () => {
    for (const [slug, cells] of cellsByZone) expect(cells.size, slug).toBeGreaterThan(20);
  });

  it('never puts one cell in two neighborhoods', () => {
    const owner = new Map<string, string>();
    for (const [slug, cells] of cellsByZone) {
      for (const cell of cells) {
        expect(owner.get(cell), `${cell} in ${slug} and ${owner.get(cell)}`).toBeUndefined();
        owner.set(cell, slug);
      }
    }
  });

  it('finds known places in the right neighborhood', () => {
    const places: [string, number, number][] = [
      ['boyle-heights', 34.0472, -118.2195], // Mariachi Plaza
      ['koreatown', 34.0617, -118.3005], // Wilshire & Normandie
      ['westlake', 34.0575, -118.2787], // MacArthur Park
      ['van-nuys', 34.1867, -118.4487], // Van Nuys Civic Center
    ];
    for (const [slug, lat, lng] of places)
      expect(cellsByZone.get(slug)?.has(zoneCellOf(lat, lng)), slug).toBe(true);
  });

  it('coarsens a public location to a ~1 km cell that still contains the point', () => {
    const cell = publicCellOf(34.0472, -118.2195);
    expect(getResolution(cell)).toBe(PUBLIC_CELL_RESOLUTION);
    const [lat, lng] = cellToLatLng(cell);
    expect(Math.abs(lat - 34.0472)).toBeLessThan(0.01);
    expect(Math.abs(lng - -118.2195)).toBeLessThan(0.01);
  });

  it('shows nothing finer than the public cell: a finer cell becomes its public parent', () => {
    const [lat, lng] = [34.0472, -118.2195];
    expect(PUBLIC_CELL_RESOLUTION).toBe(8);
    expect(toPublicCell(latLngToCell(lat, lng, 9))).toBe(publicCellOf(lat, lng));
    expect(toPublicCell(latLngToCell(lat, lng, 15))).toBe(publicCellOf(lat, lng));
    // The board's cell is public as it is; a coarser one too.
    expect(toPublicCell(publicCellOf(lat, lng))).toBe(publicCellOf(lat, lng));
    const coarse = cellToParent(publicCellOf(lat, lng), 6);
    expect(toPublicCell(coarse)).toBe(coarse);
    expect(toPublicCell('not a cell')).toBeNull();
  });
});
