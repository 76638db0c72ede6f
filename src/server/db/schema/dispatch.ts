import { sql } from 'drizzle-orm';
import {
  bigserial,
  boolean,
  index,
  jsonb,
  pgTable,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from 'drizzle-orm/pg-core';
import {
  ASSIGNMENT_STATES,
  OUTCOMES,
  PRESENT,
  SAFETY,
  type SceneSalute,
  SKILLS,
} from '../../../shared/dispatch.js';
import { LANGUAGES } from '../../../shared/report-fields.js';
import { users } from './access.js';
import { coalitionRef } from './coalitions.js';
import { bytea, createdAt } from './columns.js';
import { incidents } from './incidents.js';

/**
 * Responders' profiles and shifts, assignments, staff devices for pushes and
 * the incident channel. Owned by `modules/dispatch/`: only dispatch.repo.ts and
 * channel.repo.ts write these tables.
 */
/** What a responder offers: languages, skills, home zones. Nothing else about them. */
export const responderProfiles = pgTable(
  'responder_profiles',
  {
    userId: uuid('user_id')
      .primaryKey()
      .references(() => users.id, { onDelete: 'cascade' }),
    coalitionId: coalitionRef(),
    languages: text('languages', { enum: LANGUAGES }).array().notNull().default(sql`'{}'::text[]`),
    skills: text('skills', { enum: SKILLS }).array().notNull().default(sql`'{}'::text[]`),
    homeZoneIds: uuid('home_zone_ids').array().notNull().default(sql`'{}'::uuid[]`),
    /** Who to text if they miss a safety check-in (their choice), sealed. */
    backupPhone: text('backup_phone'),
    /** Their own mobile number, sealed: offers are texted there too when SMS is set up (their choice). */
    offerPhone: text('offer_phone'),
    /** A keyed digest of that number, so a reply "YES" from it finds its offer without opening every seal. */
    offerPhoneDigest: text('offer_phone_digest'),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    index('responder_profiles_offer_phone').on(t.offerPhoneDigest).where(sql`offer_phone_digest is not null`),
  ],
);

/**
 * A responder's time on shift. Their location, if they share it, is one
 * coarse cell (resolution 8) overwritten on each update — never a track —
 * and erased when the shift ends.
 */
export const shifts = pgTable(
  'shifts',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    coalitionId: coalitionRef(),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    startedAt: timestamp('started_at', { withTimezone: true }).notNull(),
    plannedEndAt: timestamp('planned_end_at', { withTimezone: true }).notNull(),
    endedAt: timestamp('ended_at', { withTimezone: true }),
    locationCell: text('location_cell'),
    locationAt: timestamp('location_at', { withTimezone: true }),
  },
  (t) => [
    uniqueIndex('shifts_one_open').on(t.userId).where(sql`ended_at is null`),
    index('shifts_open').on(t.coalitionId).where(sql`ended_at is null`),
  ],
);

/** A responder sent to an incident: offered → accepted → en route → on scene → reported (or declined, expired, withdrawn). */
export const assignments = pgTable(
  'assignments',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    coalitionId: coalitionRef(),
    incidentId: uuid('incident_id')
      .notNull()
      .references(() => incidents.id),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id),
    state: text('state', { enum: ASSIGNMENT_STATES }).notNull().default('offered'),
    offeredBy: uuid('offered_by').references(() => users.id),
    /** Set when the offer was made automatically after an earlier one expired or was declined. */
    automatic: boolean('automatic').notNull().default(false),
    /** Offers made together to work as a pair (legal observers): the same id on both. */
    pairId: uuid('pair_id'),
    offeredAt: timestamp('offered_at', { withTimezone: true }).notNull(),
    expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
    respondedAt: timestamp('responded_at', { withTimezone: true }),
    enRouteAt: timestamp('en_route_at', { withTimezone: true }),
    onSceneAt: timestamp('on_scene_at', { withTimezone: true }),
    endedAt: timestamp('ended_at', { withTimezone: true }),
    /** The on-scene report: confirmed, not_confirmed or uncertain. */
    outcome: text('outcome', { enum: OUTCOMES }),
    /** Who was there: immigration agents, local police, other, nobody. */
    present: text('present', { enum: PRESENT }).array().notNull().default(sql`'{}'::text[]`),
    /** What the responder saw on scene, SALUTE (counts, activity, uniforms, equipment): about activity, never people. */
    salute: jsonb('salute').$type<SceneSalute>(),
    /** The responder's notes, sealed; purged with other restricted data. */
    notes: text('notes'),
    /** On scene: when the next "I'm safe" is due. */
    checkInDueAt: timestamp('check_in_due_at', { withTimezone: true }),
    /** ok, help (they asked for it) or missed (a check-in did not come). */
    safety: text('safety', { enum: SAFETY }).notNull().default('ok'),
    /** When the check-in was found missing (dispatchers alerted then). */
    missedAt: timestamp('missed_at', { withTimezone: true }),
    /** When a still-missing check-in was escalated to the backup contact; cleared by "I'm safe". */
    escalatedAt: timestamp('escalated_at', { withTimezone: true }),
  },
  (t) => [
    index('assignments_incident').on(t.incidentId),
    index('assignments_user_state').on(t.userId, t.state),
    index('assignments_offers_due').on(t.expiresAt).where(sql`state = 'offered'`),
  ],
);

/** A staff member's Web Push subscription (their phone or browser): offers and safety alerts reach them there. */
export const staffPushSubscriptions = pgTable(
  'staff_push_subscriptions',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    /** The browser's push subscription (endpoint and keys), sealed. */
    subscription: text('subscription').notNull(),
    endpointDigest: text('endpoint_digest').notNull(),
    /**
     * The language the device's app was in when it registered (en, es): a staff member
     * with no responder profile is written to in it. Null for devices registered before.
     */
    language: text('language', { enum: LANGUAGES }),
    createdAt: createdAt(),
  },
  (t) => [uniqueIndex('staff_push_endpoint').on(t.endpointDigest), index('staff_push_user').on(t.userId)],
);

/**
 * The incident channel: messages between the dispatchers and the team sent
 * to an incident. The text is sealed and deleted with the incident's other
 * restricted data.
 */
export const incidentMessages = pgTable(
  'incident_messages',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    incidentId: uuid('incident_id')
      .notNull()
      .references(() => incidents.id),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id),
    body: text('body').notNull(),
    /** A short voice note recorded in the browser, sealed (the body is then empty). */
    audio: bytea('audio'),
    audioType: text('audio_type'),
    createdAt: createdAt(),
  },
  (t) => [index('incident_messages_incident').on(t.incidentId, t.id)],
);
