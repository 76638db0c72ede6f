import { sql } from 'drizzle-orm';
import {
  type AnyPgColumn,
  bigserial,
  boolean,
  check,
  customType,
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
import { GATHERING_INCIDENT_STATUSES } from '../../shared/report-fields.js';

/**
 * Faro's one schema. Migrations in ./drizzle are generated from it with
 * `npm run db:generate`; a test fails if they disagree.
 */

/** Binary data (sealed photos). */
const bytea = customType<{ data: Uint8Array; driverData: Buffer }>({
  dataType: () => 'bytea',
  toDriver: (value) => Buffer.from(value),
  fromDriver: (value) => new Uint8Array(value),
});

const createdAt = () => timestamp('created_at', { withTimezone: true }).notNull().defaultNow();

export const coalitions = pgTable('coalitions', {
  id: uuid('id').primaryKey().defaultRandom(),
  slug: text('slug').notNull().unique(),
  name: text('name').notNull(),
  /** How reports are grouped into incidents (distance, time window, per activity); defaults when empty. */
  grouping: jsonb('grouping').notNull().default({}),
  /** The publishing guard's settings: hosts links may point to, names never to publish. */
  publishing: jsonb('publishing').notNull().default({}),
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
    status: text('status').notNull().default('open'),
    mergedInto: uuid('merged_into'),
    activity: text('activity').notNull(),
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
    kind: text('kind').notNull(),
    actorId: uuid('actor_id'),
    reportId: uuid('report_id'),
    otherIncidentId: uuid('other_incident_id'),
    status: text('status'),
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
    status: text('status').notNull().default('received'),
    channel: text('channel').notNull(),
    language: text('language').notNull(),
    activity: text('activity').notNull(),
    agents: integer('agents'),
    vehicles: integer('vehicles'),
    uniforms: text('uniforms').array().notNull().default(sql`'{}'::text[]`),
    markings: text('markings'),
    equipment: text('equipment').array().notNull().default(sql`'{}'::text[]`),
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

/* ---------------------------------------------------------------- access */

/**
 * A staff account. Sign-in is by e-mail and password plus a second factor;
 * there is deliberately nothing else about the person here.
 */
export const users = pgTable(
  'users',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    coalitionId: coalitionRef(),
    /** Lower-cased; the sign-in name. */
    email: text('email').notNull(),
    displayName: text('display_name').notNull(),
    passwordHash: text('password_hash').notNull(),
    /** Set for a one-time password from the CLI: the first sign-in must choose a new one. */
    mustChangePassword: boolean('must_change_password').notNull().default(false),
    passwordChangedAt: timestamp('password_changed_at', { withTimezone: true }).notNull().defaultNow(),
    disabledAt: timestamp('disabled_at', { withTimezone: true }),
    createdAt: createdAt(),
  },
  (t) => [uniqueIndex('users_coalition_email').on(t.coalitionId, t.email)],
);

/** A role a user holds in one member organization. */
export const memberships = pgTable(
  'memberships',
  {
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    organizationId: uuid('organization_id')
      .notNull()
      .references(() => organizations.id, { onDelete: 'cascade' }),
    role: text('role').notNull(),
    createdAt: createdAt(),
  },
  (t) => [
    primaryKey({ columns: [t.userId, t.organizationId, t.role] }),
    index('memberships_org').on(t.organizationId),
  ],
);

/** Zones an organization covers. */
export const organizationZones = pgTable(
  'organization_zones',
  {
    organizationId: uuid('organization_id')
      .notNull()
      .references(() => organizations.id, { onDelete: 'cascade' }),
    zoneId: uuid('zone_id')
      .notNull()
      .references(() => zones.id, { onDelete: 'cascade' }),
  },
  (t) => [primaryKey({ columns: [t.organizationId, t.zoneId] })],
);

/** An invitation to join an organization with a role: by e-mail link or a code handed over in person. */
export const invitations = pgTable(
  'invitations',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    organizationId: uuid('organization_id')
      .notNull()
      .references(() => organizations.id, { onDelete: 'cascade' }),
    role: text('role').notNull(),
    /** For e-mail invitations; null for a code handed over in person. */
    email: text('email'),
    /**
     * A keyed hash of the secret (`k1:` HMAC with the server key, see access/code-hash.ts);
     * the secret itself is shown once and never stored.
     */
    secretHash: text('secret_hash').notNull(),
    createdBy: uuid('created_by').references(() => users.id, { onDelete: 'set null' }),
    createdAt: createdAt(),
    expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
    acceptedAt: timestamp('accepted_at', { withTimezone: true }),
    acceptedBy: uuid('accepted_by').references(() => users.id, { onDelete: 'set null' }),
    revokedAt: timestamp('revoked_at', { withTimezone: true }),
  },
  (t) => [uniqueIndex('invitations_secret').on(t.secretHash), index('invitations_org').on(t.organizationId)],
);

/**
 * A signed-in browser. The cookie holds a random token; only its SHA-256 is
 * stored, so a copy of the database cannot be used to sign in.
 */
export const sessions = pgTable(
  'sessions',
  {
    tokenHash: text('token_hash').primaryKey(),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    /** Random, sent back in the X-CSRF-Token header of every state-changing request. */
    csrfToken: text('csrf_token').notNull(),
    /** When the second factor was passed; null while the session may only finish signing in. */
    verifiedAt: timestamp('verified_at', { withTimezone: true }),
    /** A coarse description of the browser ("Chrome on Android") for the sessions list; no address. */
    agent: text('agent').notNull(),
    createdAt: createdAt(),
    lastSeenAt: timestamp('last_seen_at', { withTimezone: true }).notNull().defaultNow(),
    expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
    /**
     * Wrong second-factor answers while this session finishes signing in; at the
     * limit the session ends and the password must be entered again.
     */
    secondFactorFailures: integer('second_factor_failures').notNull().default(0),
  },
  (t) => [index('sessions_user').on(t.userId)],
);

/** A user's TOTP authenticator. The secret is encrypted with the server key. */
export const totpCredentials = pgTable('totp_credentials', {
  userId: uuid('user_id')
    .primaryKey()
    .references(() => users.id, { onDelete: 'cascade' }),
  secretEncrypted: text('secret_encrypted').notNull(),
  /** Confirmed by a first valid code; until then it does not count as a second factor. */
  confirmedAt: timestamp('confirmed_at', { withTimezone: true }),
  /** The last accepted time step: a code is never accepted twice. */
  lastTimeStep: integer('last_time_step').notNull().default(0),
  createdAt: createdAt(),
});

/** Single-use recovery codes (keyed hashes, see access/code-hash.ts), issued when TOTP is enrolled. */
export const recoveryCodes = pgTable(
  'recovery_codes',
  {
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    codeHash: text('code_hash').notNull(),
    usedAt: timestamp('used_at', { withTimezone: true }),
  },
  (t) => [primaryKey({ columns: [t.userId, t.codeHash] })],
);

/**
 * Failed sign-in attempts per account and per source (a salted hash of the
 * address, the salt rotating daily and never stored), for growing back-off.
 */
export const signInThrottle = pgTable('sign_in_throttle', {
  key: text('key').primaryKey(),
  failures: integer('failures').notNull().default(0),
  blockedUntil: timestamp('blocked_until', { withTimezone: true }),
  updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
});

/** Who did what to which record, when — never the content. Written in the same transaction as the change. */
export const auditLog = pgTable(
  'audit_log',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    coalitionId: uuid('coalition_id').notNull(),
    at: timestamp('at', { withTimezone: true }).notNull().defaultNow(),
    actorId: uuid('actor_id'),
    action: text('action').notNull(),
    subjectType: text('subject_type').notNull(),
    subjectId: text('subject_id'),
  },
  (t) => [index('audit_log_coalition_at').on(t.coalitionId, t.at.desc())],
);

/** A passkey (WebAuthn credential) usable as the second factor. Public key only: nothing secret is stored. */
export const passkeys = pgTable(
  'passkeys',
  {
    /** The credential id, base64url. */
    id: text('id').primaryKey(),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    /** COSE public key, base64url. */
    publicKey: text('public_key').notNull(),
    counter: integer('counter').notNull().default(0),
    transports: text('transports').array().notNull().default(sql`'{}'::text[]`),
    name: text('name').notNull(),
    createdAt: createdAt(),
    lastUsedAt: timestamp('last_used_at', { withTimezone: true }),
  },
  (t) => [index('passkeys_user').on(t.userId)],
);

/** The pending WebAuthn challenge of a session (one at a time, short-lived). */
export const webauthnChallenges = pgTable('webauthn_challenges', {
  sessionTokenHash: text('session_token_hash')
    .primaryKey()
    .references(() => sessions.tokenHash, { onDelete: 'cascade' }),
  challenge: text('challenge').notNull(),
  purpose: text('purpose').notNull(),
  expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
});

/* ------------------------------------------------------------------ alerts */

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
    channel: text('channel').notNull(),
    contact: text('contact').notNull(),
    contactDigest: text('contact_digest').notNull(),
    language: text('language').notNull(),
    status: text('status').notNull().default('pending'),
    /**
     * 'public', or 'staff' for a staff member's test subscription: the only
     * kind that exercise and test alerts are ever delivered to.
     */
    audience: text('audience').notNull().default('public'),
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
    kind: text('kind').notNull(),
    /** CAP status: Actual, Exercise or Test. */
    capStatus: text('cap_status').notNull(),
    /** CAP msgType: Alert, Update or Cancel. */
    msgType: text('msg_type').notNull(),
    /** The earlier alert this one updates, cancels or ends. */
    referencesId: uuid('references_id').references((): AnyPgColumn => alerts.id),
    /** draft, submitted, published, rejected. */
    state: text('state').notNull().default('draft'),
    /** Per language: headline, body, instruction. */
    content: jsonb('content').notNull(),
    urgency: text('urgency').notNull(),
    severity: text('severity').notNull(),
    certainty: text('certainty').notNull(),
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
 * Exactly one row per alert × subscription (and so per channel): the fan-out
 * inserts them with ON CONFLICT DO NOTHING, a sender claims a row before it
 * sends and marks it after, so a retried or replayed job never sends twice.
 */
export const deliveries = pgTable(
  'deliveries',
  {
    alertId: uuid('alert_id')
      .notNull()
      .references(() => alerts.id, { onDelete: 'cascade' }),
    subscriptionId: uuid('subscription_id')
      .notNull()
      .references(() => subscriptions.id, { onDelete: 'cascade' }),
    channel: text('channel').notNull(),
    /** queued, sending, sent, failed, withdrawn (its alert was cancelled before it left). */
    state: text('state').notNull().default('queued'),
    attempts: smallint('attempts').notNull().default(0),
    /** A short code of the last failure (never the contact or the provider's full answer). */
    error: text('error'),
    /** While 'sending': until when the claiming worker holds it. */
    leaseUntil: timestamp('lease_until', { withTimezone: true }),
    sentAt: timestamp('sent_at', { withTimezone: true }),
  },
  (t) => [
    primaryKey({ columns: [t.alertId, t.subscriptionId] }),
    index('deliveries_pending').on(t.alertId, t.channel, t.state),
  ],
);

/** Keys this server makes for itself once (the VAPID key pair of Web Push), sealed; shared by all its processes. */
export const serverKeys = pgTable('server_keys', {
  name: text('name').primaryKey(),
  sealed: text('sealed').notNull(),
  createdAt: createdAt(),
});

/* ---------------------------------------------------------------- dispatch */

/** What a responder offers: languages, skills, home zones. Nothing else about them. */
export const responderProfiles = pgTable(
  'responder_profiles',
  {
    userId: uuid('user_id')
      .primaryKey()
      .references(() => users.id, { onDelete: 'cascade' }),
    coalitionId: coalitionRef(),
    languages: text('languages').array().notNull().default(sql`'{}'::text[]`),
    skills: text('skills').array().notNull().default(sql`'{}'::text[]`),
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
    state: text('state').notNull().default('offered'),
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
    outcome: text('outcome'),
    /** Who was there: immigration agents, local police, other, nobody. */
    present: text('present').array().notNull().default(sql`'{}'::text[]`),
    /** What the responder saw on scene, SALUTE (counts, activity, uniforms, equipment): about activity, never people. */
    salute: jsonb('salute').$type<{
      agents?: number | undefined;
      vehicles?: number | undefined;
      activity?: string | undefined;
      uniforms: string[];
      equipment: string[];
    }>(),
    /** The responder's notes, sealed; purged with other restricted data. */
    notes: text('notes'),
    /** On scene: when the next "I'm safe" is due. */
    checkInDueAt: timestamp('check_in_due_at', { withTimezone: true }),
    /** ok, help (they asked for it) or missed (a check-in did not come). */
    safety: text('safety').notNull().default('ok'),
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
    language: text('language'),
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
