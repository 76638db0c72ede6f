import { sql } from 'drizzle-orm';
import {
  bigserial,
  doublePrecision,
  index,
  integer,
  pgTable,
  primaryKey,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from 'drizzle-orm/pg-core';
import { TIMELINE_KINDS } from '../../../shared/incident.js';
import { ACTIVITIES, GATHERING_INCIDENT_STATUSES, INCIDENT_STATUSES } from '../../../shared/report-fields.js';
import { coalitionRef } from './coalitions.js';
import { createdAt } from './columns.js';
import { zones } from './zones.js';

/**
 * Incidents, their timeline and who has one open. Owned by
 * `modules/incidents/`: only incidents.repo.ts writes these tables.
 */
/**
 * `('open', 'confirmed', 'not_confirmed')`: the statuses of incidents that still gather reports,
 * as SQL, made from their one definition — for the grouping index's predicate and the queries that
 * must match it for the index to serve them.
 */
export const gatheringStatusesSql = sql.raw(
  `(${GATHERING_INCIDENT_STATUSES.map((status) => `'${status}'`).join(', ')})`,
);

/**
 * One operation on the ground as the network understands it: the reports that
 * describe it, grouped as they arrive. Holds only coarse data (a zone, an
 * H3 cell, the mean of its reports' coarse cells) and counts.
 */
export const incidents = pgTable(
  'incidents',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    coalitionId: coalitionRef(),
    /** A short number dispatchers say aloud ("incident 42"). */
    number: bigserial('number', { mode: 'number' }).notNull(),
    status: text('status', { enum: INCIDENT_STATUSES }).notNull().default('open'),
    mergedInto: uuid('merged_into'),
    activity: text('activity', { enum: ACTIVITIES }).notNull(),
    zoneId: uuid('zone_id').references(() => zones.id),
    /** Public cell (resolution 8) of the incident's center. */
    h3Cell: text('h3_cell'),
    /** Mean of the centers of its reports' resolution-9 cells (never an exact point); dispatchers only. */
    centerLat: doublePrecision('center_lat'),
    centerLng: doublePrecision('center_lng'),
    /** Where it was seen lately: a moving average of its newest positions, which follows a patrol. */
    recentLat: doublePrecision('recent_lat'),
    recentLng: doublePrecision('recent_lng'),
    positionedCount: integer('positioned_count').notNull().default(0),
    reportCount: integer('report_count').notNull().default(0),
    firsthandCount: integer('firsthand_count').notNull().default(0),
    /** Reports with a device position or cross streets: none means a vague location. */
    preciseCount: integer('precise_count').notNull().default(0),
    firstObservedAt: timestamp('first_observed_at', { withTimezone: true }).notNull(),
    lastObservedAt: timestamp('last_observed_at', { withTimezone: true }).notNull(),
    lastActivityAt: timestamp('last_activity_at', { withTimezone: true }).notNull().defaultNow(),
    createdAt: createdAt(),
  },
  (t) => [
    uniqueIndex('incidents_number').on(t.number),
    index('incidents_groupable')
      .on(t.coalitionId, t.lastObservedAt)
      .where(sql`status in ${gatheringStatusesSql}`),
    // The board's order, exactly (an index in DESC NULLS LAST order cannot serve ORDER BY … DESC).
    index('incidents_board').on(
      t.coalitionId,
      t.lastActivityAt.desc().nullsFirst(),
      t.id.desc().nullsFirst(),
    ),
  ],
);

/**
 * What dispatchers did to an incident: merges, splits, moved reports, status
 * changes and notes. Reports joining are not repeated here (each report has
 * its own received time). Notes are sealed like other restricted text.
 */
export const incidentTimeline = pgTable(
  'incident_timeline',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    incidentId: uuid('incident_id')
      .notNull()
      .references(() => incidents.id, { onDelete: 'cascade' }),
    kind: text('kind', { enum: TIMELINE_KINDS }).notNull(),
    actorId: uuid('actor_id'),
    reportId: uuid('report_id'),
    otherIncidentId: uuid('other_incident_id'),
    status: text('status', { enum: INCIDENT_STATUSES }),
    note: text('note'),
    at: timestamp('at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index('incident_timeline_incident').on(t.incidentId, t.id)],
);

/**
 * Who has an incident open on the board right now: one row per dispatcher and
 * incident, its time refreshed by the board's heartbeat. Ephemeral; staff only.
 */
export const incidentPresence = pgTable(
  'incident_presence',
  {
    incidentId: uuid('incident_id')
      .notNull()
      .references(() => incidents.id, { onDelete: 'cascade' }),
    userId: uuid('user_id').notNull(),
    seenAt: timestamp('seen_at', { withTimezone: true }).notNull(),
  },
  (t) => [primaryKey({ columns: [t.incidentId, t.userId] })],
);
