import { sql } from 'drizzle-orm';
import {
  type AnyPgColumn,
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
import {
  ALERT_KINDS,
  ALERT_STATES,
  type AlertContent,
  CAP_STATUSES,
  CERTAINTIES,
  DELIVERY_CHANNELS,
  DELIVERY_STATES,
  MSG_TYPES,
  SEVERITIES,
  URGENCIES,
} from '../../../shared/alert.js';
import {
  SUBSCRIPTION_AUDIENCES,
  SUBSCRIPTION_CHANNELS,
  SUBSCRIPTION_LANGUAGES,
  SUBSCRIPTION_STATUSES,
} from '../../../shared/subscription.js';
import { users } from './access.js';
import { coalitionRef } from './coalitions.js';
import { createdAt } from './columns.js';
import { incidents } from './incidents.js';
import { zones } from './zones.js';

/**
 * Public alerts, their zones and deliveries, and the subscriptions they go to.
 * Owned by `modules/alerts/`: only alerts.repo.ts, delivery.repo.ts,
 * delivery-claims.repo.ts and subscriptions.repo.ts write these tables.
 */
/**
 * Someone who asked to be alerted about some zones, on one channel. The
 * contact (e-mail address, phone number, push subscription) is stored only
 * sealed; a keyed digest finds the same contact again without revealing it.
 * Nothing else about the person is kept. Active only after double opt-in.
 */
export const subscriptions = pgTable(
  'subscriptions',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    coalitionId: coalitionRef(),
    channel: text('channel', { enum: SUBSCRIPTION_CHANNELS }).notNull(),
    contact: text('contact').notNull(),
    contactDigest: text('contact_digest').notNull(),
    language: text('language', { enum: SUBSCRIPTION_LANGUAGES }).notNull(),
    status: text('status', { enum: SUBSCRIPTION_STATUSES }).notNull().default('pending'),
    /**
     * 'public', or 'staff' for a staff member's test subscription: the only
     * kind that exercise and test alerts are ever delivered to.
     */
    audience: text('audience', { enum: SUBSCRIPTION_AUDIENCES }).notNull().default('public'),
    /** Zones and language asked for in a request not yet confirmed (so nobody changes another's alerts). */
    pending: jsonb('pending'),
    confirmTokenHash: text('confirm_token_hash'),
    manageTokenHash: text('manage_token_hash').notNull(),
    confirmedAt: timestamp('confirmed_at', { withTimezone: true }),
    createdAt: createdAt(),
  },
  (t) => [
    uniqueIndex('subscriptions_contact').on(t.coalitionId, t.channel, t.contactDigest),
    uniqueIndex('subscriptions_confirm_token').on(t.confirmTokenHash),
    uniqueIndex('subscriptions_manage_token').on(t.manageTokenHash),
  ],
);

/** The zones of each subscription: an alert's fan-out is one index range per zone. */
export const subscriptionZones = pgTable(
  'subscription_zones',
  {
    zoneId: uuid('zone_id')
      .notNull()
      .references(() => zones.id),
    subscriptionId: uuid('subscription_id')
      .notNull()
      .references(() => subscriptions.id, { onDelete: 'cascade' }),
  },
  (t) => [
    primaryKey({ columns: [t.zoneId, t.subscriptionId] }),
    index('subscription_zones_subscription').on(t.subscriptionId),
  ],
);

/**
 * How often subscription requests came from one source (a keyed digest of
 * the client address, the key changing daily) and confirmations went to one
 * destination (a keyed digest of the e-mail, number or push endpoint): counts
 * in a window, shared by every process. Nothing here can be turned back into
 * an address or a contact.
 */
export const subscriptionThrottle = pgTable('subscription_throttle', {
  key: text('key').primaryKey(),
  windowStart: timestamp('window_start', { withTimezone: true }).notNull(),
  count: integer('count').notNull(),
  lastAt: timestamp('last_at', { withTimezone: true }).notNull(),
});

/**
 * An alert to the public (or an exercise or test of one). Its texts are public
 * by design and pass the publishing guard before they can be submitted,
 * approved or sent. Two people: the one who wrote or submitted it never
 * approves it.
 */
export const alerts = pgTable(
  'alerts',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    coalitionId: coalitionRef(),
    incidentId: uuid('incident_id').references(() => incidents.id),
    /** activity, update, all_clear, rumor_false, cancel. */
    kind: text('kind', { enum: ALERT_KINDS }).notNull(),
    /** CAP status: Actual, Exercise or Test. */
    capStatus: text('cap_status', { enum: CAP_STATUSES }).notNull(),
    /** CAP msgType: Alert, Update or Cancel. */
    msgType: text('msg_type', { enum: MSG_TYPES }).notNull(),
    /** The earlier alert this one updates, cancels or ends. */
    referencesId: uuid('references_id').references((): AnyPgColumn => alerts.id),
    /** draft, submitted, published, rejected. */
    state: text('state', { enum: ALERT_STATES }).notNull().default('draft'),
    /** Per language: headline, body, instruction. */
    content: jsonb('content').$type<AlertContent>().notNull(),
    urgency: text('urgency', { enum: URGENCIES }).notNull(),
    severity: text('severity', { enum: SEVERITIES }).notNull(),
    certainty: text('certainty', { enum: CERTAINTIES }).notNull(),
    /** How long it stays in force once published. */
    expiresInMinutes: integer('expires_in_minutes').notNull(),
    /** Set when it is published. */
    expiresAt: timestamp('expires_at', { withTimezone: true }),
    createdBy: uuid('created_by')
      .notNull()
      .references(() => users.id),
    /** Everyone who wrote or changed its content (the author included): none of them may approve it. */
    editedBy: uuid('edited_by').array().notNull().default(sql`'{}'::uuid[]`),
    /**
     * What was submitted, frozen: texts, zones with their names and outlines as published, CAP
     * fields. Approval publishes exactly this; a later zone rename does not change it.
     */
    snapshot: jsonb('snapshot'),
    /** SHA-256 of the snapshot (canonical JSON): the approver approves this hash, nothing else. */
    snapshotHash: text('snapshot_hash'),
    /**
     * The public outputs (JSON and CAP) rendered once, at publication, through the guard — or
     * `{ blocked }` with the kinds the guard found. Public reads serve these, never re-render.
     */
    documents: jsonb('documents'),
    submittedBy: uuid('submitted_by').references(() => users.id),
    submittedAt: timestamp('submitted_at', { withTimezone: true }),
    decidedBy: uuid('decided_by').references(() => users.id),
    decidedAt: timestamp('decided_at', { withTimezone: true }),
    rejectReason: text('reject_reason'),
    /** CAP `sent`: when it was approved and left. */
    publishedAt: timestamp('published_at', { withTimezone: true }),
    /** When a later update, cancel or all clear took its place. */
    endedAt: timestamp('ended_at', { withTimezone: true }),
    /** When every delivery of it had been queued. */
    queuedAt: timestamp('queued_at', { withTimezone: true }),
    createdAt: createdAt(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    index('alerts_coalition_state').on(t.coalitionId, t.state, t.publishedAt.desc()),
    index('alerts_references').on(t.referencesId),
  ],
);

/** The zones an alert is for. */
export const alertZones = pgTable(
  'alert_zones',
  {
    alertId: uuid('alert_id')
      .notNull()
      .references(() => alerts.id, { onDelete: 'cascade' }),
    zoneId: uuid('zone_id')
      .notNull()
      .references(() => zones.id),
  },
  (t) => [primaryKey({ columns: [t.alertId, t.zoneId] })],
);

/**
 * Exactly one row per alert × subscription (and so per channel): a sender
 * creates the rows of its channel as it walks the alert's recipients (see
 * `deliverySources`), claimed for itself, with ON CONFLICT DO NOTHING; it marks
 * them after sending, so a retried or replayed job never sends twice.
 */
export const deliveries = pgTable(
  'deliveries',
  {
    // No foreign keys here, on purpose: their per-row checks (a lookup and a lock on the alert and
    // on the subscription for every row) were half the cost of making a million deliveries. Rows
    // are only made by `advanceDeliveries`, from the published alert's own sources and existing
    // subscriptions; alerts are never deleted; a subscription's deliveries are deleted with it
    // (subscriptions.repo.ts), and one deleted while its row is claimed comes back without a
    // contact and is marked gone.
    alertId: uuid('alert_id').notNull(),
    subscriptionId: uuid('subscription_id').notNull(),
    channel: text('channel', { enum: DELIVERY_CHANNELS }).notNull(),
    /** queued, sending, sent, failed, withdrawn (its alert was cancelled before it left). */
    state: text('state', { enum: DELIVERY_STATES }).notNull().default('queued'),
    attempts: smallint('attempts').notNull().default(0),
    /**
     * A short code of the last failure (never the contact or the provider's full answer), or of an
     * earlier one after which the message may have arrived (delivery-claims.repo.ts `errorAfter`).
     */
    error: text('error'),
    /** While 'sending': until when the claiming worker holds it. */
    leaseUntil: timestamp('lease_until', { withTimezone: true }),
    sentAt: timestamp('sent_at', { withTimezone: true }),
  },
  (t) => [
    primaryKey({ columns: [t.alertId, t.subscriptionId] }),
    // Only rows still to send: the claims read a small index however many have been sent, and a
    // row marked sent leaves it (no new entry for it).
    index('deliveries_pending').on(t.alertId, t.channel).where(sql`state in ('queued', 'sending')`),
    // A subscription deleted (unsubscribed, STOP, purged) takes its deliveries with it.
    index('deliveries_subscription').on(t.subscriptionId),
  ],
);

/**
 * Where each channel's senders of an alert stand in its recipients: one row
 * per alert, channel and source (a zone's subscribers, or — zone null —
 * everyone the earlier alert reached), walked in subscription-id order. A
 * sender takes the next page under this row's lock and creates the delivery
 * rows of that page in the same transaction, so the first pushes leave after
 * the first page, not after a million-row insert. A follow-up sets the
 * earlier alert's open sources `withdrawn` (waiting for a page in progress).
 */
export const deliverySources = pgTable(
  'delivery_sources',
  {
    alertId: uuid('alert_id')
      .notNull()
      .references(() => alerts.id, { onDelete: 'cascade' }),
    channel: text('channel', { enum: DELIVERY_CHANNELS }).notNull(),
    position: smallint('position').notNull(),
    /** null: the recipients of the earlier alert (of an update, all clear or cancel). */
    zoneId: uuid('zone_id').references(() => zones.id),
    /** The last subscription id walked (null: none yet). */
    afterId: uuid('after_id'),
    /** open, done, withdrawn. */
    state: text('state', { enum: ['open', 'done', 'withdrawn'] })
      .notNull()
      .default('open'),
  },
  (t) => [primaryKey({ columns: [t.alertId, t.channel, t.position] })],
);
