import { sql } from 'drizzle-orm';
import {
  boolean,
  check,
  index,
  integer,
  pgTable,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from 'drizzle-orm/pg-core';
import {
  ACTIVITIES,
  CHANNELS,
  EQUIPMENT,
  LANGUAGES,
  REPORT_STATUSES,
  UNIFORMS,
} from '../../../shared/report-fields.js';
import { coalitionRef } from './coalitions.js';
import { bytea, createdAt } from './columns.js';
import { incidents } from './incidents.js';
import { zones } from './zones.js';

/**
 * Reports and their photos. Owned by `modules/reports/`: only reports.repo.ts
 * and photos.repo.ts write these tables.
 */
/**
 * A photo sent with a public report, re-encoded without any metadata and
 * stored sealed. Uploaded before the report is sent (so a slow connection
 * loses nothing already sent); unclaimed photos are deleted after an hour,
 * claimed ones on the restricted-data schedule.
 */
export const reportPhotos = pgTable(
  'report_photos',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    coalitionId: coalitionRef(),
    reportId: uuid('report_id').references(() => reports.id, { onDelete: 'cascade' }),
    sealed: bytea('sealed').notNull(),
    contentType: text('content_type').notNull(),
    width: integer('width').notNull(),
    height: integer('height').notNull(),
    createdAt: createdAt(),
  },
  (t) => [index('report_photos_report').on(t.reportId), index('report_photos_created').on(t.createdAt)],
);

/** One account from one source. Exact location and free text are restricted and expire. */
export const reports = pgTable(
  'reports',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    coalitionId: coalitionRef(),
    receipt: text('receipt').notNull(),
    status: text('status', { enum: REPORT_STATUSES }).notNull().default('received'),
    channel: text('channel', { enum: CHANNELS }).notNull(),
    language: text('language', { enum: LANGUAGES }).notNull(),
    activity: text('activity', { enum: ACTIVITIES }).notNull(),
    agents: integer('agents'),
    vehicles: integer('vehicles'),
    uniforms: text('uniforms', { enum: UNIFORMS }).array().notNull().default(sql`'{}'::text[]`),
    markings: text('markings'),
    equipment: text('equipment', { enum: EQUIPMENT }).array().notNull().default(sql`'{}'::text[]`),
    firsthand: boolean('firsthand').notNull(),
    zoneId: uuid('zone_id').references(() => zones.id),
    /** Coarse public location: an H3 cell of about 1 km across. */
    h3Cell: text('h3_cell'),
    /**
     * The resolution-9 cell (~0.1 km²) of a shared position: what grouping
     * measures distance with. Finer than public, so purged with the restricted fields.
     */
    fineCell: text('fine_cell'),
    incidentId: uuid('incident_id').references(() => incidents.id),
    /** Whether the reporter gave cross streets or a landmark (the text itself is sealed). */
    hasPlace: boolean('has_place').notNull().default(false),
    /**
     * The provider's id of the message a report came from (an SMS's
     * MessageSid): the same message delivered again is the same report.
     */
    sourceRef: text('source_ref'),
    /**
     * A number to reach the reporter on, sealed: a hotline caller's callback
     * number, or an SMS sender who asked to hear the outcome. Deleted 72 hours after.
     */
    callback: text('callback'),
    /** An SMS reporter asked (replying YES) for a text when the report is checked. */
    followUp: boolean('follow_up').notNull().default(false),
    /**
     * A keyed digest of an SMS sender's number (never the number): links a YES
     * or STOP to the sender's report. Deleted with the callback number.
     */
    senderDigest: text('sender_digest'),
    /**
     * The restricted fields — exact position, cross streets, free text — sealed
     * with the server key (XChaCha20-Poly1305, bound to this report's id).
     * Cleared by the retention job.
     */
    restricted: text('restricted'),
    hasExactLocation: boolean('has_exact_location').notNull().default(false),
    observedAt: timestamp('observed_at', { withTimezone: true }).notNull(),
    receivedAt: timestamp('received_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
    restrictedPurgedAt: timestamp('restricted_purged_at', { withTimezone: true }),
  },
  (t) => [
    uniqueIndex('reports_receipt').on(t.receipt),
    index('reports_coalition_received').on(t.coalitionId, t.receivedAt.desc(), t.id.desc()),
    index('reports_received_unpurged').on(t.receivedAt).where(sql`restricted_purged_at is null`),
    index('reports_incident').on(t.incidentId, t.receivedAt),
    index('reports_ungrouped').on(t.coalitionId, t.receivedAt).where(sql`incident_id is null`),
    uniqueIndex('reports_source_ref').on(t.channel, t.sourceRef),
    index('reports_callback_held')
      .on(t.receivedAt)
      .where(sql`callback is not null or sender_digest is not null`),
    index('reports_sender').on(t.senderDigest).where(sql`sender_digest is not null`),
    // A text message may say nothing usable about where; it is kept anyway and its location asked for.
    check(
      'reports_has_location_sealed',
      sql`zone_id is not null or has_exact_location or restricted_purged_at is not null or channel = 'sms'`,
    ),
  ],
);
