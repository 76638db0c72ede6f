import {
  index,
  jsonb,
  pgTable,
  primaryKey,
  smallint,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from 'drizzle-orm/pg-core';
import { coalitionRef } from './coalitions.js';
import { createdAt } from './columns.js';

/**
 * Zones and their H3 cells. Owned by `modules/zones/`: only zones.repo.ts
 * writes these tables.
 */
/** A named area the network covers, stored as a GeoJSON polygon and the H3 cells that fill it. */
export const zones = pgTable(
  'zones',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    coalitionId: coalitionRef(),
    slug: text('slug').notNull(),
    name: text('name').notNull(),
    /** GeoJSON Polygon geometry ([lng, lat] rings). */
    boundary: jsonb('boundary').notNull(),
    h3Resolution: smallint('h3_resolution').notNull(),
    /** A retired zone is no longer offered or matched; reports and incidents keep it. */
    retiredAt: timestamp('retired_at', { withTimezone: true }),
    createdAt: createdAt(),
  },
  (t) => [uniqueIndex('zones_coalition_slug').on(t.coalitionId, t.slug)],
);

/** The H3 cells of each zone: point-in-zone becomes one index lookup. */
export const zoneCells = pgTable(
  'zone_cells',
  {
    zoneId: uuid('zone_id')
      .notNull()
      .references(() => zones.id, { onDelete: 'cascade' }),
    cell: text('cell').notNull(),
  },
  (t) => [primaryKey({ columns: [t.zoneId, t.cell] }), index('zone_cells_cell').on(t.cell)],
);
