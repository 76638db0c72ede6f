import { createHash } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import { zxyToTileId } from 'pmtiles';

/*
 * A minimal writer of PMTiles version 3 archives (https://github.com/protomaps/PMTiles, spec v3):
 * a 127-byte header, a root directory in the first 16 KiB, the JSON metadata, leaf directories
 * when the root would not fit, then the tiles, each distinct content once, in tile-id order
 * ("clustered"). The npm `pmtiles` package only reads; Faro writes the demo's basemap with this
 * and reads every archive, its own included, with that package.
 */

/** The fixed size of a v3 header. */
export const HEADER_BYTES = 127;
/** A reader fetches the header and the root directory in one request of this many bytes. */
export const ROOT_BYTES = 16_384;

/** Compression codes of the spec. */
export const COMPRESSION = { unknown: 0, none: 1, gzip: 2, brotli: 3, zstd: 4 } as const;
/** Tile type codes of the spec (1 = Mapbox Vector Tile). */
export const TILE_TYPE = { unknown: 0, mvt: 1, png: 2, jpeg: 3, webp: 4, avif: 5, mlt: 6 } as const;

export interface ArchiveTile {
  z: number;
  x: number;
  y: number;
  /** The tile's bytes, already compressed as `tileCompression` says. */
  data: Uint8Array;
}

export interface ArchiveOptions {
  tileCompression: 'none' | 'gzip';
  minZoom: number;
  maxZoom: number;
  /** [west, south, east, north] in degrees. */
  bounds: [number, number, number, number];
  center: { lng: number; lat: number; zoom: number };
  /** The archive's JSON metadata (vector_layers, attribution, description…). */
  metadata: Record<string, unknown>;
}

interface Entry {
  tileId: number;
  offset: number;
  length: number;
  /** Consecutive tile ids with this same content; 0 for an entry pointing at a leaf directory. */
  runLength: number;
}

/** Writes an unsigned varint; arithmetic, not bit operations, so values above 2^31 survive. */
function pushVarint(out: number[], value: number): void {
  let rest = value;
  while (rest >= 0x80) {
    out.push((rest % 0x80) | 0x80);
    rest = Math.floor(rest / 0x80);
  }
  out.push(rest);
}

/** A directory as the spec lays it out (ids as deltas, then run lengths, lengths, offsets), gzipped. */
export function serializeDirectory(entries: readonly Entry[]): Uint8Array {
  const out: number[] = [];
  pushVarint(out, entries.length);
  let lastId = 0;
  for (const entry of entries) {
    pushVarint(out, entry.tileId - lastId);
    lastId = entry.tileId;
  }
  for (const entry of entries) pushVarint(out, entry.runLength);
  for (const entry of entries) pushVarint(out, entry.length);
  entries.forEach((entry, i) => {
    const previous = entries[i - 1];
    // 0 means "right after the previous entry's bytes"; otherwise offset + 1.
    pushVarint(out, previous && entry.offset === previous.offset + previous.length ? 0 : entry.offset + 1);
  });
  return gzipSync(Uint8Array.from(out));
}

/** The root directory, and the leaf directories it points at when all entries would not fit in it. */
function directories(entries: Entry[]): { root: Uint8Array; leaves: Uint8Array } {
  const whole = serializeDirectory(entries);
  if (HEADER_BYTES + whole.length <= ROOT_BYTES) return { root: whole, leaves: new Uint8Array() };
  for (let perLeaf = 4096; ; perLeaf *= 2) {
    const rootEntries: Entry[] = [];
    const leafParts: Uint8Array[] = [];
    let offset = 0;
    for (let i = 0; i < entries.length; i += perLeaf) {
      const leaf = serializeDirectory(entries.slice(i, i + perLeaf));
      rootEntries.push({ tileId: entries[i]?.tileId ?? 0, offset, length: leaf.length, runLength: 0 });
      leafParts.push(leaf);
      offset += leaf.length;
    }
    const root = serializeDirectory(rootEntries);
    if (HEADER_BYTES + root.length <= ROOT_BYTES) return { root, leaves: Buffer.concat(leafParts) };
  }
}

/** The tiles' entries in tile-id order, each distinct content stored once, runs of equal tiles merged. */
function layOut(tiles: readonly ArchiveTile[]): { entries: Entry[]; data: Uint8Array; contents: number } {
  const byId = tiles
    .map((tile) => ({ tileId: zxyToTileId(tile.z, tile.x, tile.y), data: tile.data }))
    .sort((a, b) => a.tileId - b.tileId);
  const stored = new Map<string, { offset: number; length: number }>();
  const parts: Uint8Array[] = [];
  const entries: Entry[] = [];
  let size = 0;
  for (const [i, tile] of byId.entries()) {
    if (tile.tileId === byId[i - 1]?.tileId) throw new Error(`tile ${tile.tileId} is given twice`);
    const digest = createHash('sha256').update(tile.data).digest('hex');
    let place = stored.get(digest);
    if (!place) {
      place = { offset: size, length: tile.data.length };
      stored.set(digest, place);
      parts.push(tile.data);
      size += tile.data.length;
    }
    const last = entries.at(-1);
    if (
      last &&
      last.offset === place.offset &&
      last.length === place.length &&
      last.tileId + last.runLength === tile.tileId
    )
      last.runLength += 1;
    else entries.push({ tileId: tile.tileId, ...place, runLength: 1 });
  }
  return { entries, data: Buffer.concat(parts), contents: stored.size };
}

/** A PMTiles v3 archive of vector tiles (MVT) with the given tiles and metadata. */
export function writeArchive(tiles: readonly ArchiveTile[], options: ArchiveOptions): Uint8Array {
  const { entries, data, contents } = layOut(tiles);
  const { root, leaves } = directories(entries);
  const metadata = gzipSync(Buffer.from(JSON.stringify(options.metadata)));

  const rootOffset = HEADER_BYTES;
  const metadataOffset = rootOffset + root.length;
  const leavesOffset = metadataOffset + metadata.length;
  const dataOffset = leavesOffset + leaves.length;

  const header = new DataView(new ArrayBuffer(HEADER_BYTES));
  new Uint8Array(header.buffer).set(Buffer.from('PMTiles'), 0);
  header.setUint8(7, 3);
  const u64 = (at: number, value: number) => header.setBigUint64(at, BigInt(value), true);
  u64(8, rootOffset);
  u64(16, root.length);
  u64(24, metadataOffset);
  u64(32, metadata.length);
  u64(40, leavesOffset);
  u64(48, leaves.length);
  u64(56, dataOffset);
  u64(64, data.length);
  u64(72, tiles.length); // addressed tiles
  u64(80, entries.length); // tile entries
  u64(88, contents); // distinct tile contents
  header.setUint8(96, 1); // clustered: tile data in tile-id order
  header.setUint8(97, COMPRESSION.gzip); // directories and metadata
  header.setUint8(98, COMPRESSION[options.tileCompression]);
  header.setUint8(99, TILE_TYPE.mvt);
  header.setUint8(100, options.minZoom);
  header.setUint8(101, options.maxZoom);
  const e7 = (degrees: number) => Math.round(degrees * 1e7);
  const [west, south, east, north] = options.bounds;
  header.setInt32(102, e7(west), true);
  header.setInt32(106, e7(south), true);
  header.setInt32(110, e7(east), true);
  header.setInt32(114, e7(north), true);
  header.setUint8(118, options.center.zoom);
  header.setInt32(119, e7(options.center.lng), true);
  header.setInt32(123, e7(options.center.lat), true);

  return Buffer.concat([new Uint8Array(header.buffer), root, metadata, leaves, data]);
}
