import { sql } from 'drizzle-orm';
import {
  bigserial,
  boolean,
  index,
  integer,
  pgTable,
  primaryKey,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from 'drizzle-orm/pg-core';
import { AUDIT_ACTIONS, AUDIT_SUBJECTS } from '../../../shared/admin.js';
import { ROLES } from '../../../shared/roles.js';
import { coalitionRef, organizations } from './coalitions.js';
import { createdAt } from './columns.js';

/**
 * Staff accounts, roles, invitations, sessions, second factors, sign-in
 * throttling and the audit log. Owned by `modules/access/`: only its
 * repositories (*.repo.ts) write these tables.
 */
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
    role: text('role', { enum: ROLES }).notNull(),
    createdAt: createdAt(),
  },
  (t) => [
    primaryKey({ columns: [t.userId, t.organizationId, t.role] }),
    index('memberships_org').on(t.organizationId),
  ],
);

/** An invitation to join an organization with a role: by e-mail link or a code handed over in person. */
export const invitations = pgTable(
  'invitations',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    organizationId: uuid('organization_id')
      .notNull()
      .references(() => organizations.id, { onDelete: 'cascade' }),
    role: text('role', { enum: ROLES }).notNull(),
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
    action: text('action', { enum: AUDIT_ACTIONS }).notNull(),
    subjectType: text('subject_type', { enum: AUDIT_SUBJECTS }).notNull(),
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
