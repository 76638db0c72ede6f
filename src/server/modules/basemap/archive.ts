import type { FileHandle } from 'node:fs/promises';
import { gunzipSync } from 'node:zlib';
import { Compression, PMTiles, type Source, TileType } from 'pmtiles';
import { HEADER_BYTES } from './pmtiles.js';

/*
 * Reading an archive someone hands Faro, with the `pmtiles` package (the reader MapLibre's
 * protocol uses in the browser), before a byte of it is stored: what the board could not draw is
 * refused with a sentence that says why and what to do instead.
 */

/** The vector layer the board's street style needs: the Protomaps basemap's roads. */
export const REQUIRED_LAYER = 'roads';

/** What Faro keeps of an archive's header and metadata. */
export interface ArchiveSummary {
  minZoom: number;
  maxZoom: number;
  /** [west, south, east, north] in degrees. */
  bounds: [number, number, number, number];
  /** Plain text (tags dropped), or null. */
  attribution: string | null;
  layers: string[];
}

/** An archive Faro will not store, with the reason in words an operator can act on. */
export class ArchiveRefused extends Error {
  override name = 'ArchiveRefused';
}

const asArrayBuffer = (bytes: Uint8Array): ArrayBuffer =>
  bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;

/** Bytes in memory as a source the reader takes. */
export function bytesSource(bytes: Uint8Array): Source {
  return {
    getKey: () => 'memory',
    getBytes: async (offset, length) => ({ data: asArrayBuffer(bytes.subarray(offset, offset + length)) }),
  };
}

/** An open file as a source the reader takes. */
export function fileSource(handle: FileHandle): Source {
  return {
    getKey: () => 'file',
    getBytes: async (offset, length) => {
      const buffer = Buffer.alloc(length);
      const { bytesRead } = await handle.read(buffer, 0, length, offset);
      return { data: asArrayBuffer(buffer.subarray(0, bytesRead)) };
    },
  };
}

/**
 * Directories, metadata and tiles as browsers can open them: none or gzip (a browser's
 * DecompressionStream has no brotli or zstd, so an archive using them would load and show nothing).
 */
const BROWSER_COMPRESSIONS = new Set([Compression.None, Compression.Gzip]);

async function decompress(buffer: ArrayBuffer, compression: Compression): Promise<ArrayBuffer> {
  if (compression === Compression.None || compression === Compression.Unknown) return buffer;
  if (compression === Compression.Gzip) return asArrayBuffer(gunzipSync(new Uint8Array(buffer)));
  throw new ArchiveRefused(`its directories use compression ${Compression[compression]}`);
}

/** The attribution as text: archives carry HTML links (`<a href=…>© OpenStreetMap</a>`). */
export function plainAttribution(value: unknown): string | null {
  if (typeof value !== 'string') return null;
  const text = value
    .replace(/<[^>]*>/g, ' ')
    .replaceAll('&copy;', '©')
    .replaceAll('&amp;', '&')
    .replace(/&[#\w]+;/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
  return text ? text.slice(0, 300) : null;
}

/** The tile of zoom z that holds a point (Web Mercator). */
function tileAt(z: number, lng: number, lat: number): [number, number] {
  const n = 2 ** z;
  const x = Math.floor(((lng + 180) / 360) * n);
  const rad = (Math.max(-85, Math.min(85, lat)) * Math.PI) / 180;
  const y = Math.floor(((1 - Math.log(Math.tan(rad) + 1 / Math.cos(rad)) / Math.PI) / 2) * n);
  return [Math.min(n - 1, Math.max(0, x)), Math.min(n - 1, Math.max(0, y))];
}

/**
 * Checks that `source` (of `size` bytes) is a PMTiles v3 archive of vector tiles in the Protomaps
 * basemap's layers that a browser can read, and returns what the map needs of it. Throws
 * ArchiveRefused otherwise.
 */
export async function inspectArchive(source: Source, size: number): Promise<ArchiveSummary> {
  if (size < HEADER_BYTES) throw new ArchiveRefused('It is too short to be a PMTiles archive.');
  const start = new Uint8Array((await source.getBytes(0, HEADER_BYTES)).data);
  if (Buffer.from(start.subarray(0, 7)).toString('latin1') !== 'PMTiles')
    throw new ArchiveRefused('It is not a PMTiles archive (it does not start with "PMTiles").');
  if (start[7] !== 3)
    throw new ArchiveRefused(
      `It is a PMTiles archive of version ${start[7]}; Faro reads version 3 (convert it with \`pmtiles convert\`).`,
    );
  const archive = new PMTiles(source, undefined, decompress);
  const header = await archive.getHeader().catch((error: Error) => {
    throw new ArchiveRefused(`Its header cannot be read: ${error.message}.`);
  });
  if (header.tileType !== TileType.Mvt)
    throw new ArchiveRefused(
      `It holds ${TileType[header.tileType] ?? 'unknown'} tiles; the board's map draws vector tiles (MVT).`,
    );
  for (const [what, compression] of [
    ['directories', header.internalCompression],
    ['tiles', header.tileCompression],
  ] as const)
    if (!BROWSER_COMPRESSIONS.has(compression))
      throw new ArchiveRefused(
        `Its ${what} are compressed with ${Compression[compression]}, which browsers cannot open; make it with gzip (the default of \`pmtiles extract\`).`,
      );
  const sections: [string, number, number][] = [
    ['root directory', header.rootDirectoryOffset, header.rootDirectoryLength],
    ['metadata', header.jsonMetadataOffset, header.jsonMetadataLength],
    ['leaf directories', header.leafDirectoryOffset, header.leafDirectoryLength ?? 0],
    ['tile data', header.tileDataOffset, header.tileDataLength ?? 0],
  ];
  for (const [what, offset, length] of sections)
    if (offset + length > size)
      throw new ArchiveRefused(`Its ${what} ends past the end of the file: the file is cut short.`);
  const bounds: [number, number, number, number] = [
    header.minLon,
    header.minLat,
    header.maxLon,
    header.maxLat,
  ];
  const [west, south, east, north] = bounds;
  if (
    !(west < east && south < north) ||
    Math.abs(west) > 180 ||
    Math.abs(east) > 180 ||
    Math.abs(south) > 90 ||
    Math.abs(north) > 90 ||
    header.minZoom > header.maxZoom ||
    header.maxZoom > 24
  )
    throw new ArchiveRefused('Its bounds or zoom levels are not valid.');

  const metadata = (await archive.getMetadata().catch((error: Error) => {
    throw new ArchiveRefused(`Its metadata cannot be read: ${error.message}.`);
  })) as { vector_layers?: { id?: unknown }[]; attribution?: unknown } | null;
  const layers = (Array.isArray(metadata?.vector_layers) ? metadata.vector_layers : [])
    .map((layer) => layer?.id)
    .filter((id): id is string => typeof id === 'string');
  if (!layers.includes(REQUIRED_LAYER))
    throw new ArchiveRefused(
      `Its vector layers (${layers.join(', ') || 'none listed'}) are not the Protomaps basemap's (roads, water, places…), which the board's map draws: make the extract from a Protomaps build (see docs/OPERATIONS.md).`,
    );
  // Reading a tile walks the directories: a damaged one fails here, not on a dispatcher's screen.
  const [x, y] = tileAt(header.minZoom, header.centerLon, header.centerLat);
  await archive.getZxy(header.minZoom, x, y).catch((error: Error) => {
    throw new ArchiveRefused(`Its directories cannot be read: ${error.message}.`);
  });
  return {
    minZoom: header.minZoom,
    maxZoom: header.maxZoom,
    bounds,
    attribution: plainAttribution((metadata as { attribution?: unknown }).attribution),
    layers,
  };
}
