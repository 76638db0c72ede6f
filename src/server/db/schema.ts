import { sql } from 'drizzle-orm';
import {
  bigserial,
  boolean,
  check,
  doublePrecision,
  index,
  integer,
  jsonb,
  pgTable,
  primaryKey,
  smallint,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from 'drizzle-orm/pg-core';

/**
 * Faro's one schema. Migrations in ./drizzle are generated from it with
 * `npm run db:generate`; a test fails if they disagree.
 */

const createdAt = () => timestamp('created_at', { withTimezone: true }).notNull().defaultNow();

export const coalitions = pgTable('coalitions', {
  id: uuid('id').primaryKey().defaultRandom(),
  slug: text('slug').notNull().unique(),
  name: text('name').notNull(),
  createdAt: createdAt(),
});

const coalitionRef = () =>
  uuid('coalition_id')
    .notNull()
    .references(() => coalitions.id);

export const organizations = pgTable(
  'organizations',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    coalitionId: coalitionRef(),
    slug: text('slug').notNull(),
    name: text('name').notNull(),
    createdAt: createdAt(),
  },
  (t) => [uniqueIndex('organizations_coalition_slug').on(t.coalitionId, t.slug)],
);

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

/** One account from one source. Exact location and free text are restricted and expire. */
export const reports = pgTable(
  'reports',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    coalitionId: coalitionRef(),
    receipt: text('receipt').notNull(),
    status: text('status').notNull().default('received'),
    channel: text('channel').notNull(),
    language: text('language').notNull(),
    activity: text('activity').notNull(),
    agents: integer('agents'),
    vehicles: integer('vehicles'),
    uniforms: text('uniforms').array().notNull().default(sql`'{}'::text[]`),
    markings: text('markings'),
    equipment: text('equipment').array().notNull().default(sql`'{}'::text[]`),
    description: text('description'),
    firsthand: boolean('firsthand').notNull(),
    zoneId: uuid('zone_id').references(() => zones.id),
    /** Coarse public location: an H3 cell of about 1 km across. */
    h3Cell: text('h3_cell'),
    /** Exact location, restricted; cleared by the retention job. */
    lat: doublePrecision('lat'),
    lng: doublePrecision('lng'),
    place: text('place'),
    observedAt: timestamp('observed_at', { withTimezone: true }).notNull(),
    receivedAt: timestamp('received_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
    restrictedPurgedAt: timestamp('restricted_purged_at', { withTimezone: true }),
  },
  (t) => [
    uniqueIndex('reports_receipt').on(t.receipt),
    index('reports_coalition_received').on(t.coalitionId, t.receivedAt.desc(), t.id.desc()),
    index('reports_received_unpurged').on(t.receivedAt).where(sql`restricted_purged_at is null`),
    check('reports_lat_lng_together', sql`(lat is null) = (lng is null)`),
    check(
      'reports_has_location',
      sql`zone_id is not null or lat is not null or restricted_purged_at is not null`,
    ),
  ],
);

/**
 * The domain event log: one row per state change, written in the same
 * transaction as the change. Its id is the SSE event id, so a reconnecting
 * board replays what it missed. Payloads hold ids, never personal data.
 */
export const domainEvents = pgTable(
  'domain_events',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    coalitionId: uuid('coalition_id').notNull(),
    type: text('type').notNull(),
    subjectId: uuid('subject_id').notNull(),
    createdAt: createdAt(),
  },
  (t) => [index('domain_events_coalition_id').on(t.coalitionId, t.id)],
);
