import { gzipSync } from 'node:zlib';
import { GeoJSONVT } from '@maplibre/geojson-vt';
import { fromGeojsonVt } from '@maplibre/vt-pbf';
import type { FeatureCollection } from 'geojson';
import { type ArchiveOptions, type ArchiveTile, writeArchive } from './pmtiles.js';

/*
 * Vector tiles from GeoJSON Faro holds itself: each layer sliced with geojson-vt, the layers of
 * one tile encoded together as a Mapbox Vector Tile (vt-pbf), gzipped, then written into a PMTiles
 * archive. Pure: the same input makes the same bytes.
 */

/** Each layer's features, by the layer name the tiles will carry (e.g. the Protomaps `roads`). */
export type TileLayers = Record<string, FeatureCollection>;

const EXTENT = 4096;

/** [west, south, east, north] around every coordinate of every layer. */
export function boundsOfLayers(layers: TileLayers): [number, number, number, number] {
  const box: [number, number, number, number] = [180, 90, -180, -90];
  const visit = (value: unknown): void => {
    if (!Array.isArray(value)) return;
    if (typeof value[0] === 'number' && typeof value[1] === 'number') {
      box[0] = Math.min(box[0], value[0]);
      box[1] = Math.min(box[1], value[1]);
      box[2] = Math.max(box[2], value[0]);
      box[3] = Math.max(box[3], value[1]);
      return;
    }
    for (const item of value) visit(item);
  };
  for (const collection of Object.values(layers))
    for (const feature of collection.features)
      if (feature.geometry && 'coordinates' in feature.geometry) visit(feature.geometry.coordinates);
  return box;
}

/** The tile of zoom z that holds a point (Web Mercator). */
function tileOf(z: number, lng: number, lat: number): [number, number] {
  const n = 2 ** z;
  const rad = (lat * Math.PI) / 180;
  const x = Math.floor(((lng + 180) / 360) * n);
  const y = Math.floor(((1 - Math.log(Math.tan(rad) + 1 / Math.cos(rad)) / Math.PI) / 2) * n);
  return [Math.min(n - 1, Math.max(0, x)), Math.min(n - 1, Math.max(0, y))];
}

/** Every non-empty tile of the layers from minZoom to maxZoom, encoded and gzipped. */
export function tileGeoJson(layers: TileLayers, minZoom: number, maxZoom: number): ArchiveTile[] {
  const indexes = Object.entries(layers).map(
    ([name, collection]) =>
      [
        name,
        new GeoJSONVT(collection, { maxZoom, indexMaxZoom: 0, extent: EXTENT, buffer: 64, tolerance: 3 }),
      ] as const,
  );
  const [west, south, east, north] = boundsOfLayers(layers);
  const tiles: ArchiveTile[] = [];
  for (let z = minZoom; z <= maxZoom; z++) {
    const [minX, minY] = tileOf(z, west, north);
    const [maxX, maxY] = tileOf(z, east, south);
    for (let x = minX; x <= maxX; x++)
      for (let y = minY; y <= maxY; y++) {
        const found: Record<string, NonNullable<ReturnType<GeoJSONVT['getTile']>>> = {};
        for (const [name, index] of indexes) {
          const tile = index.getTile(z, x, y);
          if (tile && tile.features.length > 0) found[name] = tile;
        }
        if (Object.keys(found).length === 0) continue;
        const encoded = fromGeojsonVt(found, { version: 2, extent: EXTENT });
        tiles.push({ z, x, y, data: gzipSync(encoded) });
      }
  }
  return tiles;
}

/** A PMTiles archive of the layers, tiled from minZoom to maxZoom, with its metadata. */
export function archiveOfGeoJson(
  layers: TileLayers,
  options: { minZoom: number; maxZoom: number; metadata: Record<string, unknown> },
): Uint8Array {
  const bounds = boundsOfLayers(layers);
  const archive: ArchiveOptions = {
    tileCompression: 'gzip',
    minZoom: options.minZoom,
    maxZoom: options.maxZoom,
    bounds,
    center: {
      lng: (bounds[0] + bounds[2]) / 2,
      lat: (bounds[1] + bounds[3]) / 2,
      zoom: Math.min(options.maxZoom, Math.max(options.minZoom, 11)),
    },
    metadata: {
      ...options.metadata,
      vector_layers: Object.keys(layers).map((id) => ({
        id,
        fields: Object.fromEntries(
          [...new Set(layers[id]?.features.flatMap((f) => Object.keys(f.properties ?? {})))].map((key) => [
            key,
            'String',
          ]),
        ),
        minzoom: options.minZoom,
        maxzoom: options.maxZoom,
      })),
    },
  };
  return writeArchive(tileGeoJson(layers, options.minZoom, options.maxZoom), archive);
}
