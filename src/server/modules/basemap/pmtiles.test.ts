import { Compression, PMTiles, TileType } from 'pmtiles';
import { describe, expect, it } from 'vitest';
import { bytesSource } from './archive.js';
import { type ArchiveOptions, type ArchiveTile, ROOT_BYTES, writeArchive } from './pmtiles.js';

/** Read back with the `pmtiles` package, the reader MapLibre's protocol uses: not with Faro's own code. */
const reader = (bytes: Uint8Array) => new PMTiles(bytesSource(bytes));
const text = (data: ArrayBuffer | undefined) => (data ? Buffer.from(data).toString() : undefined);

const options = (overrides: Partial<ArchiveOptions> = {}): ArchiveOptions => ({
  tileCompression: 'none',
  minZoom: 0,
  maxZoom: 3,
  bounds: [-118.5, 33.9, -118.1, 34.3],
  center: { lng: -118.3, lat: 34.1, zoom: 2 },
  metadata: { name: 'test', vector_layers: [{ id: 'roads', fields: {} }] },
  ...overrides,
});

describe('PMTiles v3 writer', () => {
  it('writes an archive the pmtiles reader opens: header, metadata, every tile, nothing else', async () => {
    const tiles: ArchiveTile[] = [
      { z: 0, x: 0, y: 0, data: Buffer.from('world') },
      { z: 1, x: 0, y: 0, data: Buffer.from('north-west') },
      { z: 1, x: 1, y: 1, data: Buffer.from('south-east') },
      { z: 3, x: 1, y: 3, data: Buffer.from('los angeles') },
    ];
    const bytes = writeArchive(tiles, options());
    const archive = reader(bytes);
    const header = await archive.getHeader();
    expect(header).toMatchObject({
      specVersion: 3,
      tileType: TileType.Mvt,
      internalCompression: Compression.Gzip,
      tileCompression: Compression.None,
      minZoom: 0,
      maxZoom: 3,
      numAddressedTiles: 4,
      numTileContents: 4,
      clustered: true,
      centerZoom: 2,
    });
    expect(header.minLon).toBeCloseTo(-118.5, 6);
    expect(header.maxLat).toBeCloseTo(34.3, 6);
    expect(header.rootDirectoryOffset + header.rootDirectoryLength).toBeLessThanOrEqual(ROOT_BYTES);
    for (const tile of tiles)
      expect(text((await archive.getZxy(tile.z, tile.x, tile.y))?.data)).toBe(
        Buffer.from(tile.data).toString(),
      );
    expect(await archive.getZxy(1, 1, 0)).toBeUndefined();
    expect(await archive.getZxy(3, 1, 2)).toBeUndefined();
    expect(await archive.getMetadata()).toEqual(options().metadata);
  });

  it('stores a content once however many tiles share it, and merges runs of them', async () => {
    const ocean = Buffer.from('ocean');
    // The 16 tiles of zoom 2 are 5…20 in tile-id order: all ocean but one.
    const tiles: ArchiveTile[] = [];
    for (let x = 0; x < 4; x++)
      for (let y = 0; y < 4; y++)
        tiles.push({ z: 2, x, y, data: x === 2 && y === 2 ? Buffer.from('island') : ocean });
    const bytes = writeArchive(tiles, options());
    const archive = reader(bytes);
    const header = await archive.getHeader();
    expect(header.numAddressedTiles).toBe(16);
    expect(header.numTileContents).toBe(2);
    expect(header.numTileEntries).toBeLessThan(16);
    expect(header.tileDataLength).toBe('ocean'.length + 'island'.length);
    for (let x = 0; x < 4; x++)
      for (let y = 0; y < 4; y++)
        expect(text((await archive.getZxy(2, x, y))?.data)).toBe(x === 2 && y === 2 ? 'island' : 'ocean');
  });

  it('puts entries in leaf directories when the root would not fit in the first 16 KiB', async () => {
    // 60,000 scattered tiles of zoom 12, each of its own length: a directory gzip cannot shrink to 16 KiB.
    let seed = 7;
    const next = () => {
      // mulberry32: a small deterministic generator, so a failure can be replayed.
      seed = (seed + 0x6d2b79f5) | 0;
      let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
      t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
      return (t ^ (t >>> 14)) >>> 0;
    };
    const byKey = new Map<string, ArchiveTile>();
    while (byKey.size < 60_000) {
      const [x, y] = [next() % 4096, next() % 4096];
      byKey.set(`${x}/${y}`, { z: 12, x, y, data: Buffer.from(`${x}/${y}/${'.'.repeat(next() % 300)}`) });
    }
    const tiles = [...byKey.values()];
    const bytes = writeArchive(
      tiles,
      options({ minZoom: 12, maxZoom: 12, center: { lng: 0, lat: 0, zoom: 12 } }),
    );
    const archive = reader(bytes);
    const header = await archive.getHeader();
    expect(header.leafDirectoryLength).toBeGreaterThan(0);
    expect(header.rootDirectoryOffset + header.rootDirectoryLength).toBeLessThanOrEqual(ROOT_BYTES);
    expect(header.numTileEntries).toBe(60_000);
    for (const tile of [tiles[0], tiles[59_999], tiles[12_345], tiles[31_000]])
      expect(text((await archive.getZxy(12, tile?.x ?? -1, tile?.y ?? -1))?.data)).toBe(
        Buffer.from(tile?.data ?? '').toString(),
      );
    let absent = 0;
    while (byKey.has(`${absent}/5`)) absent += 1;
    expect(await archive.getZxy(12, absent, 5)).toBeUndefined();
  });

  it('refuses the same tile twice', () => {
    const tile = { z: 1, x: 0, y: 1, data: Buffer.from('a') };
    expect(() => writeArchive([tile, { ...tile, data: Buffer.from('b') }], options())).toThrow(/twice/);
  });
});
