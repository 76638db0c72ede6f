import { gunzipSync } from 'node:zlib';
import { VectorTile } from '@mapbox/vector-tile';
import { PbfReader } from 'pbf';
import { PMTiles } from 'pmtiles';
import { describe, expect, it } from 'vitest';
import { DEMO_ZONES } from '../demo/demo-data.js';
import { DEMO_STREET_LAYERS, demoBasemapArchive } from '../demo/demo-streets.js';
import { bytesSource, inspectArchive } from './archive.js';
import { archiveOfGeoJson, boundsOfLayers, tileGeoJson } from './tiling.js';

/** The tile of zoom z that holds a point (Web Mercator), as a map asks for it. */
function tileAt(z: number, lng: number, lat: number): [number, number] {
  const n = 2 ** z;
  const rad = (lat * Math.PI) / 180;
  return [
    Math.floor(((lng + 180) / 360) * n),
    Math.floor(((1 - Math.log(Math.tan(rad) + 1 / Math.cos(rad)) / Math.PI) / 2) * n),
  ];
}

/** A tile's features, decoded by @mapbox/vector-tile (what MapLibre decodes with). */
function decode(data: ArrayBuffer | Uint8Array, layer: string) {
  const tile = new VectorTile(new PbfReader(data instanceof Uint8Array ? data : new Uint8Array(data)));
  const found = tile.layers[layer];
  return found ? Array.from({ length: found.length }, (_, i) => found.feature(i).properties) : [];
}

describe('vector tiles from GeoJSON', () => {
  const layers = {
    roads: {
      type: 'FeatureCollection' as const,
      features: [
        {
          type: 'Feature' as const,
          geometry: {
            type: 'LineString' as const,
            coordinates: [
              [-118.23, 34.047],
              [-118.2, 34.043],
            ],
          },
          properties: { kind: 'major_road', name: 'E 1st St' },
        },
      ],
    },
  };

  it('cuts each zoom into the tiles the lines cross, and no others', () => {
    const tiles = tileGeoJson(layers, 10, 14);
    expect(new Set(tiles.map((t) => t.z))).toEqual(new Set([10, 11, 12, 13, 14]));
    const [x, y] = tileAt(14, -118.215, 34.045);
    const middle = tiles.find((t) => t.z === 14 && t.x === x && t.y === y);
    expect(middle).toBeDefined();
    expect(decode(gunzipSync(middle?.data ?? new Uint8Array()), 'roads')).toEqual([
      { kind: 'major_road', name: 'E 1st St' },
    ]);
    // A line across ~3 km crosses a handful of zoom-14 tiles, not the whole box around it.
    expect(tiles.filter((t) => t.z === 14).length).toBeLessThan(8);
  });

  it('writes them into an archive with its layers listed, which Faro’s import accepts', async () => {
    const bytes = archiveOfGeoJson(layers, { minZoom: 10, maxZoom: 14, metadata: { attribution: 'test' } });
    const summary = await inspectArchive(bytesSource(bytes), bytes.length);
    expect(summary).toMatchObject({ minZoom: 10, maxZoom: 14, layers: ['roads'], attribution: 'test' });
    expect(summary.bounds[0]).toBeCloseTo(-118.23, 5);
    expect(summary.bounds[3]).toBeCloseTo(34.047, 5);
  });
});

describe('the demo’s street sketch', () => {
  const bytes = demoBasemapArchive();
  const archive = new PMTiles(bytesSource(bytes));

  it('is a small archive covering every demo zone, zoom 6 to 14', async () => {
    expect(bytes.length).toBeLessThan(512 * 1024);
    const header = await archive.getHeader();
    expect([header.minZoom, header.maxZoom]).toEqual([6, 14]);
    const [west, south, east, north] = boundsOfLayers(DEMO_STREET_LAYERS);
    for (const zone of DEMO_ZONES)
      for (const [lng, lat] of zone.boundary.coordinates[0] ?? []) {
        expect(lng, zone.slug).toBeGreaterThan(west);
        expect(lng, zone.slug).toBeLessThan(east);
        expect(lat, zone.slug).toBeGreaterThan(south);
        expect(lat, zone.slug).toBeLessThan(north);
      }
  });

  it('has the streets of Mariachi Plaza (1st St and Boyle Ave) in its zoom-14 tile there', async () => {
    const [x, y] = tileAt(14, -118.2195, 34.0472);
    const tile = await archive.getZxy(14, x, y);
    const names = decode(tile?.data ?? new ArrayBuffer(0), 'roads').map((p) => p.name);
    expect(names).toEqual(expect.arrayContaining(['E 1st St', 'Boyle Ave']));
  });

  it('has Van Nuys Blvd and Sherman Way at their corner, and the freeways by number', async () => {
    const [x, y] = tileAt(14, -118.4487, 34.201);
    const roads = decode((await archive.getZxy(14, x, y))?.data ?? new ArrayBuffer(0), 'roads');
    expect(roads.map((p) => p.name)).toEqual(expect.arrayContaining(['Van Nuys Blvd', 'Sherman Way']));
    const [fx, fy] = tileAt(12, -118.17, 34.03);
    const freeways = decode((await archive.getZxy(12, fx, fy))?.data ?? new ArrayBuffer(0), 'roads').filter(
      (p) => p.kind === 'highway',
    );
    expect(freeways.map((p) => p.ref)).toEqual(expect.arrayContaining(['I-710', 'CA-60']));
  });

  it('has nothing where it drew nothing (Santa Monica)', async () => {
    const [x, y] = tileAt(14, -118.49, 34.01);
    expect(await archive.getZxy(14, x, y)).toBeUndefined();
  });
});
