import { sql } from 'drizzle-orm';
import { boolean, index, integer, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import { PLAN_ACTIVATION_CHANNELS, PLAN_STATES } from '../../../shared/plan.js';
import { coalitionRef } from './coalitions.js';
import { createdAt } from './columns.js';

/**
 * Emergency plans (issue 16): a community member's contacts, messages and
 * instructions, sent in one press. Owned by `modules/plans/`: only plans.repo.ts
 * writes these tables. Nothing here names or reaches a person in the clear: the
 * plan's content is one sealed value, the code is kept only as a keyed digest,
 * the PIN only as a slow hash — so the table is no list of members.
 */
export const emergencyPlans = pgTable('emergency_plans', {
  id: uuid('id').primaryKey(),
  coalitionId: coalitionRef(),
  /** HMAC of the normalized plan code under the server key: lookup only by the code. */
  codeDigest: text('code_digest').notNull().unique(),
  /** argon2id of an HMAC of the PIN (the server key as a pepper: a database copy alone cannot be guessed offline). */
  pinHash: text('pin_hash').notNull(),
  /** Contacts, messages, instructions, the member's number and language: JSON, sealed to `plan:<id>`. */
  sealed: text('sealed').notNull(),
  /** How many contacts the sealed content holds (shown without opening it). */
  contactCount: integer('contact_count').notNull(),
  /** Consent to open a case with the legal team on activation: when it was given, and how. */
  caseConsentAt: timestamp('case_consent_at', { withTimezone: true }),
  caseConsentHow: text('case_consent_how'),
  /** While on, an activation texts only the member's own number. */
  testMode: boolean('test_mode').notNull().default(false),
  state: text('state', { enum: PLAN_STATES }).notNull().default('active'),
  /** The member last saved or confirmed it; a year without is the end of it (retention). */
  lastConfirmedAt: timestamp('last_confirmed_at', { withTimezone: true }).notNull(),
  /** When the member was reminded that it will be deleted (cleared by a confirmation). */
  reminderSentAt: timestamp('reminder_sent_at', { withTimezone: true }),
  createdAt: createdAt(),
});

/**
 * Each activation, once per source: the provider's message id for a text, a
 * fresh id for the web and the hotline — so the same text delivered twice
 * activates once. Kept for the step that opens a case (consent copied in).
 */
export const planActivations = pgTable(
  'plan_activations',
  {
    id: uuid('id').primaryKey(),
    planId: uuid('plan_id')
      .notNull()
      .references(() => emergencyPlans.id, { onDelete: 'cascade' }),
    coalitionId: coalitionRef(),
    channel: text('channel', { enum: PLAN_ACTIVATION_CHANNELS }).notNull(),
    /** `sms:<MessageSid>`, or `web:`/`hotline:` and a fresh id. */
    sourceRef: text('source_ref').notNull().unique(),
    /** A test: only the member's own number was texted. */
    test: boolean('test').notNull(),
    /** Whether consent to open a case stood at activation (the cases step reads it). */
    caseConsent: boolean('case_consent').notNull(),
    /** The hotline operator who entered it. */
    actorId: uuid('actor_id'),
    /** Texts queued. */
    messages: integer('messages').notNull(),
    /** Set by the step that opens the case (not built yet). */
    caseOpenedAt: timestamp('case_opened_at', { withTimezone: true }),
    at: timestamp('at', { withTimezone: true }).notNull(),
  },
  (t) => [index('plan_activations_plan').on(t.planId, t.at)],
);

/**
 * Wrong code-and-PIN attempts, per plan code digest and per sender, shared by
 * every process: free failures, then a block that doubles.
 */
export const planAttempts = pgTable('plan_attempts', {
  key: text('key').primaryKey(),
  failures: integer('failures').notNull().default(0),
  blockedUntil: timestamp('blocked_until', { withTimezone: true }),
  updatedAt: timestamp('updated_at', { withTimezone: true }).notNull(),
});

/**
 * The provider's id of each plan text answered (`sms:<MessageSid>`): the same message delivered
 * again is neither counted as another wrong PIN nor answered again.
 */
export const planTexts = pgTable('plan_texts', {
  sourceRef: text('source_ref').primaryKey(),
  at: timestamp('at', { withTimezone: true }).notNull(),
});

/**
 * Passkeys a member put on their own phone for one plan: a tap and a fingerprint activate it (or
 * open it) without typing the code and PIN. Nothing names the member: the credential's user handle
 * is random, and the passkey is found only by the id the phone presents.
 */
export const planPasskeys = pgTable(
  'plan_passkeys',
  {
    /** The credential id, base64url. */
    id: text('id').primaryKey(),
    planId: uuid('plan_id')
      .notNull()
      .references(() => emergencyPlans.id, { onDelete: 'cascade' }),
    /** COSE public key, base64url. */
    publicKey: text('public_key').notNull(),
    counter: integer('counter').notNull().default(0),
    transports: text('transports').array().notNull().default(sql`'{}'::text[]`),
    createdAt: createdAt(),
    lastUsedAt: timestamp('last_used_at', { withTimezone: true }),
  },
  (t) => [index('plan_passkeys_plan').on(t.planId)],
);

/**
 * WebAuthn challenges of the plan page (no session: the page holds the challenge's id), each taken
 * once within minutes. A registration's is bound to the plan its code and PIN opened.
 */
export const planPasskeyChallenges = pgTable('plan_passkey_challenges', {
  id: uuid('id').primaryKey(),
  challenge: text('challenge').notNull(),
  purpose: text('purpose', { enum: ['register', 'authenticate'] }).notNull(),
  planId: uuid('plan_id').references(() => emergencyPlans.id, { onDelete: 'cascade' }),
  expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
});
