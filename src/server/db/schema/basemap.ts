import {
  bigint,
  doublePrecision,
  integer,
  pgTable,
  primaryKey,
  smallint,
  text,
  uniqueIndex,
  uuid,
} from 'drizzle-orm/pg-core';
import { BASEMAP_KINDS } from '../../../shared/basemap.js';
import { coalitionRef } from './coalitions.js';
import { bytea, createdAt } from './columns.js';

/**
 * The coalition's street map: one PMTiles archive, kept in the database so
 * every Faro process serves the same one and a backup holds it. Owned by
 * `modules/basemap/`: only basemap.repo.ts writes these tables.
 */
/** A coalition's basemap (at most one): what the map needs to know before it reads the archive. */
export const basemaps = pgTable(
  'basemaps',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    coalitionId: coalitionRef(),
    /** `imported` (an extract an admin loaded) or `demo` (the demo's approximate sketch). */
    kind: text('kind', { enum: BASEMAP_KINDS }).notNull(),
    /** The archive's size in bytes. */
    size: bigint('size', { mode: 'number' }).notNull(),
    /** Strong ETag of the archive (a digest of its bytes), so a client never mixes two archives' ranges. */
    etag: text('etag').notNull(),
    /** Bytes per row of basemap_chunks (the last row may be shorter). */
    chunkSize: integer('chunk_size').notNull(),
    minZoom: smallint('min_zoom').notNull(),
    maxZoom: smallint('max_zoom').notNull(),
    west: doublePrecision('west').notNull(),
    south: doublePrecision('south').notNull(),
    east: doublePrecision('east').notNull(),
    north: doublePrecision('north').notNull(),
    /** Who made the data, as plain text from the archive's metadata (shown under the map). */
    attribution: text('attribution'),
    createdAt: createdAt(),
  },
  (t) => [uniqueIndex('basemaps_coalition').on(t.coalitionId)],
);

/** The archive's bytes in fixed-size pieces: a range is read from the few rows it spans. */
export const basemapChunks = pgTable(
  'basemap_chunks',
  {
    basemapId: uuid('basemap_id')
      .notNull()
      .references(() => basemaps.id, { onDelete: 'cascade' }),
    /** Which piece: bytes [index × chunk_size, (index + 1) × chunk_size) of the archive. */
    index: integer('index').notNull(),
    data: bytea('data').notNull(),
  },
  (t) => [primaryKey({ columns: [t.basemapId, t.index] })],
);
