import { createHash } from 'node:crypto';
import { type FileHandle, open } from 'node:fs/promises';
import type { BasemapInfo, BasemapKind } from '../../../shared/basemap.js';
import type { Database, Drizzle } from '../../db/database.js';
import { recordAudit } from '../access/audit.js';
import { ArchiveRefused, type ArchiveSummary, bytesSource, fileSource, inspectArchive } from './archive.js';
import {
  type BasemapRow,
  deleteBasemap,
  findBasemap,
  readBasemapBytes,
  replaceBasemap,
} from './basemap.repo.js';

/** Bytes per stored piece: a tile read touches one or two rows. */
export const BASEMAP_CHUNK_BYTES = 64 * 1024;
/**
 * The largest archive Faro stores. A city's extract from a Protomaps build (zoom 0–15) is some
 * tens of MiB; this leaves room for a county while keeping a database backup reasonable.
 */
export const MAX_BASEMAP_BYTES = 512 * 1024 * 1024;
/** The most bytes read from the database at once while a long range is sent. */
const READ_BATCH_BYTES = 16 * BASEMAP_CHUNK_BYTES;

/** A basemap as the routes serve it. */
export type StoredBasemap = Pick<BasemapRow, 'id' | 'etag' | 'size' | 'chunkSize'>;

export interface BasemapService {
  /** What the board's map needs to know, or null when the coalition has no basemap. */
  info(coalitionId: string): Promise<BasemapInfo['basemap']>;
  /** The coalition's archive, to be read by ranges; null when it has none. */
  archive(coalitionId: string): Promise<StoredBasemap | null>;
  /** Bytes [start, end] of an archive, in pieces of at most ~1 MiB; throws if it was replaced meanwhile. */
  read(basemap: StoredBasemap, start: number, end: number): AsyncGenerator<Uint8Array>;
  /** Checks a PMTiles file and puts it in place of the coalition's basemap; ArchiveRefused if it is not one. */
  importFile(coalitionId: string, path: string, at: Date): Promise<ArchiveSummary & { size: number }>;
  /** Removes the coalition's basemap (the map shows zones only); false when there was none. */
  remove(coalitionId: string, at: Date): Promise<boolean>;
}

/** `"<sha-256 of the bytes>"`, the archive's strong ETag. */
const etagOf = (digest: string) => `"${digest.slice(0, 32)}"`;

/**
 * Stores an archive held in memory (the demo's sketch) as the coalition's basemap, in the
 * caller's transaction. Throws ArchiveRefused if it is not one the board can draw.
 */
export async function storeBasemap(
  db: Drizzle,
  coalitionId: string,
  archive: Uint8Array,
  kind: BasemapKind,
): Promise<void> {
  const summary = await inspectArchive(bytesSource(archive), archive.length);
  const chunks: Uint8Array[] = [];
  for (let at = 0; at < archive.length; at += BASEMAP_CHUNK_BYTES)
    chunks.push(archive.subarray(at, at + BASEMAP_CHUNK_BYTES));
  await replaceBasemap(
    db,
    {
      coalitionId,
      kind,
      size: archive.length,
      etag: etagOf(createHash('sha256').update(archive).digest('hex')),
      chunkSize: BASEMAP_CHUNK_BYTES,
      minZoom: summary.minZoom,
      maxZoom: summary.maxZoom,
      bounds: summary.bounds,
      attribution: kind === 'imported' ? summary.attribution : null,
    },
    chunks,
  );
}

/** Whether the coalition has a basemap (the demo adds its sketch only where there is none). */
export async function hasBasemap(db: Drizzle, coalitionId: string): Promise<boolean> {
  return Boolean(await findBasemap(db, coalitionId));
}

export function createBasemapService(database: Database): BasemapService {
  const { db } = database;
  return {
    async info(coalitionId) {
      const row = await findBasemap(db, coalitionId);
      if (!row) return null;
      return {
        kind: row.kind,
        etag: row.etag,
        size: row.size,
        minZoom: row.minZoom,
        maxZoom: row.maxZoom,
        bounds: [row.west, row.south, row.east, row.north],
        attribution: row.attribution,
      };
    },

    async archive(coalitionId) {
      const row = await findBasemap(db, coalitionId);
      return row ? { id: row.id, etag: row.etag, size: row.size, chunkSize: row.chunkSize } : null;
    },

    async *read(basemap, start, end) {
      for (let from = start; from <= end; from += READ_BATCH_BYTES) {
        const until = Math.min(end, from + READ_BATCH_BYTES - 1);
        const parts = await readBasemapBytes(db, basemap, from, until);
        const length = parts.reduce((sum, part) => sum + part.length, 0);
        // Replaced while it was being sent: end the response rather than send another archive's bytes.
        if (length !== until - from + 1) throw new Error('the basemap was replaced while it was read');
        yield* parts;
      }
    },

    async importFile(coalitionId, path, at) {
      const handle = await open(path, 'r').catch((error: NodeJS.ErrnoException) => {
        throw new ArchiveRefused(`It cannot be opened (${error.code ?? error.message}).`);
      });
      try {
        const { size } = await handle.stat();
        if (size > MAX_BASEMAP_BYTES)
          throw new ArchiveRefused(
            `It is ${Math.ceil(size / 2 ** 20)} MiB; Faro stores at most ${MAX_BASEMAP_BYTES / 2 ** 20} MiB. Extract a smaller area or fewer zoom levels (--maxzoom).`,
          );
        const summary = await inspectArchive(fileSource(handle), size);
        const hash = createHash('sha256');
        for await (const chunk of pieces(handle, size)) hash.update(chunk);
        const etag = etagOf(hash.digest('hex'));
        await database.transaction(async ({ db: tx }) => {
          await replaceBasemap(
            tx,
            {
              coalitionId,
              kind: 'imported',
              size,
              etag,
              chunkSize: BASEMAP_CHUNK_BYTES,
              minZoom: summary.minZoom,
              maxZoom: summary.maxZoom,
              bounds: summary.bounds,
              attribution: summary.attribution,
            },
            pieces(handle, size),
          );
          await recordAudit(tx, {
            coalitionId,
            actorId: null,
            action: 'settings.basemap_imported',
            subjectType: 'coalition',
            subjectId: coalitionId,
            at,
          });
        });
        return { ...summary, size };
      } finally {
        await handle.close();
      }
    },

    async remove(coalitionId, at) {
      return database.transaction(async ({ db: tx }) => {
        const removed = await deleteBasemap(tx, coalitionId);
        if (removed)
          await recordAudit(tx, {
            coalitionId,
            actorId: null,
            action: 'settings.basemap_removed',
            subjectType: 'coalition',
            subjectId: coalitionId,
            at,
          });
        return removed;
      });
    },
  };
}

/** A file's bytes in stored-piece sizes, read as they are written (a large archive never sits in memory). */
async function* pieces(handle: FileHandle, size: number): AsyncGenerator<Uint8Array> {
  for (let at = 0; at < size; at += BASEMAP_CHUNK_BYTES) {
    const buffer = Buffer.alloc(Math.min(BASEMAP_CHUNK_BYTES, size - at));
    const { bytesRead } = await handle.read(buffer, 0, buffer.length, at);
    if (bytesRead !== buffer.length) throw new ArchiveRefused('It changed while it was read.');
    yield buffer;
  }
}
