import { and, asc, eq, gte, lte, sql } from 'drizzle-orm';
import type { BasemapKind } from '../../../shared/basemap.js';
import type { Drizzle } from '../../db/database.js';
import { LOCKS } from '../../db/locks.js';
import { basemapChunks, basemaps } from '../../db/schema.js';

export type BasemapRow = typeof basemaps.$inferSelect;

/** The coalition's basemap, or undefined. */
export async function findBasemap(db: Drizzle, coalitionId: string): Promise<BasemapRow | undefined> {
  const [row] = await db.select().from(basemaps).where(eq(basemaps.coalitionId, coalitionId));
  return row;
}

export interface NewBasemap {
  coalitionId: string;
  kind: BasemapKind;
  size: number;
  etag: string;
  chunkSize: number;
  minZoom: number;
  maxZoom: number;
  bounds: [number, number, number, number];
  attribution: string | null;
}

/**
 * Puts a basemap in place of the coalition's previous one (if any), in the caller's transaction:
 * readers see the old archive or the new one, never a mix. `chunks` gives the bytes in order, each
 * `chunkSize` long but the last.
 */
export async function replaceBasemap(
  db: Drizzle,
  basemap: NewBasemap,
  chunks: AsyncIterable<Uint8Array> | Iterable<Uint8Array>,
): Promise<string> {
  // Two imports at once (or an import and the demo's sketch) take turns: the later one replaces
  // the earlier instead of failing on the one-basemap-per-coalition index.
  await db.execute(sql`select pg_advisory_xact_lock(${LOCKS.basemap}, hashtext(${basemap.coalitionId}))`);
  await db.delete(basemaps).where(eq(basemaps.coalitionId, basemap.coalitionId));
  const [west, south, east, north] = basemap.bounds;
  const { bounds: _, ...values } = basemap;
  const [row] = await db
    .insert(basemaps)
    .values({ ...values, west, south, east, north })
    .returning({ id: basemaps.id });
  if (!row) throw new Error('basemap insert returned no row');
  let index = 0;
  let batch: { basemapId: string; index: number; data: Uint8Array }[] = [];
  // A few pieces per statement: fewer round trips, and no statement holds more than ~1 MiB.
  const flush = async () => {
    if (batch.length > 0) await db.insert(basemapChunks).values(batch);
    batch = [];
  };
  for await (const data of chunks) {
    batch.push({ basemapId: row.id, index: index++, data });
    if (batch.length * basemap.chunkSize >= 1024 * 1024) await flush();
  }
  await flush();
  return row.id;
}

/** Removes the coalition's basemap; false when it had none. */
export async function deleteBasemap(db: Drizzle, coalitionId: string): Promise<boolean> {
  const removed = await db
    .delete(basemaps)
    .where(eq(basemaps.coalitionId, coalitionId))
    .returning({ id: basemaps.id });
  return removed.length > 0;
}

/**
 * Bytes [start, end] (inclusive) of a basemap, from the pieces that hold them; each piece is cut
 * in the database, so only the asked-for bytes travel. Fewer bytes than asked when the basemap
 * was replaced meanwhile (its pieces are gone).
 */
export async function readBasemapBytes(
  db: Drizzle,
  basemap: { id: string; chunkSize: number },
  start: number,
  end: number,
): Promise<Uint8Array[]> {
  const size = basemap.chunkSize;
  const first = Math.floor(start / size);
  const last = Math.floor(end / size);
  // substring is 1-based: from (start − the piece's first byte) + 1, as many bytes as fall in [start, end].
  const pieceStart = sql`(${basemapChunks.index}::bigint * ${size}::bigint)`;
  const from = sql`greatest(${start}::bigint - ${pieceStart}, 0::bigint)`;
  const until = sql`least(${end}::bigint - ${pieceStart}, ${size - 1}::bigint)`;
  const rows = await db
    .select({
      part: sql<Uint8Array>`substring(${basemapChunks.data} from (${from} + 1)::int for (${until} - ${from} + 1)::int)`,
    })
    .from(basemapChunks)
    .where(
      and(
        eq(basemapChunks.basemapId, basemap.id),
        gte(basemapChunks.index, first),
        lte(basemapChunks.index, last),
      ),
    )
    .orderBy(asc(basemapChunks.index));
  return rows.map((row) => row.part);
}
