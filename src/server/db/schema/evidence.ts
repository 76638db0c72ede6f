import { sql } from 'drizzle-orm';
import {
  bigint,
  boolean,
  check,
  index,
  integer,
  jsonb,
  pgTable,
  primaryKey,
  text,
  timestamp,
  uuid,
} from 'drizzle-orm/pg-core';
import {
  EVIDENCE_ITEM_KINDS,
  EVIDENCE_SOURCES,
  EVIDENCE_STATES,
  WORKING_COPY_GAPS,
} from '../../../shared/evidence.js';
import { users } from './access.js';
import { coalitionRef } from './coalitions.js';
import { bytea, createdAt } from './columns.js';
import { assignments } from './dispatch.js';
import { incidents } from './incidents.js';

/**
 * Evidence: originals kept sealed, byte for byte, with their hashes and chain
 * of custody (modules/evidence/sealing.ts, custody.ts). Owned by
 * `modules/evidence/`: only evidence.repo.ts writes these tables.
 */
export const evidenceItems = pgTable(
  'evidence_items',
  {
    id: uuid('id').primaryKey(),
    coalitionId: coalitionRef(),
    /**
     * Its owner: the incident it was recorded on, or the legal case it is a document of (a Notice
     * to Appear, a bond receipt). Exactly one. A case is the cases module's: no foreign key, so the
     * item and its custody log outlive a case deleted at the end of its retention.
     */
    incidentId: uuid('incident_id').references(() => incidents.id),
    caseId: uuid('case_id'),
    /** The assignment it was recorded on, if any. */
    assignmentId: uuid('assignment_id').references(() => assignments.id),
    recordedBy: uuid('recorded_by')
      .notNull()
      .references(() => users.id),
    /** The role the recorder acted in. */
    recordedRole: text('recorded_role').notNull(),
    kind: text('kind', { enum: EVIDENCE_ITEM_KINDS }).notNull(),
    source: text('source', { enum: EVIDENCE_SOURCES }).notNull(),
    contentType: text('content_type').notNull(),
    state: text('state', { enum: EVIDENCE_STATES }).notNull().default('receiving'),
    /** The item's own key, sealed by the server key. */
    wrappedKey: bytea('wrapped_key').notNull(),
    /** Bytes stored so far, in chunks; the length the uploader announced, when it did. */
    bytes: bigint('bytes', { mode: 'number' }).notNull().default(0),
    expectedBytes: bigint('expected_bytes', { mode: 'number' }),
    chunks: integer('chunks').notNull().default(0),
    /** The hash chain after the last chunk (sealing.ts chainNext). */
    chain: bytea('chain').notNull(),
    /** SHA-256 of the whole original, computed from what is stored once it is complete. */
    sha256: bytea('sha256'),
    /** The SHA-256 the recorder's phone gave, compared with ours. */
    clientSha256: bytea('client_sha256'),
    /** A recording's length, as the phone measured it. */
    durationMs: integer('duration_ms'),
    /** When the phone says it started (its clock), and when the server got the first bytes (ours). */
    deviceStartedAt: timestamp('device_started_at', { withTimezone: true }),
    receivedAt: timestamp('received_at', { withTimezone: true }).notNull(),
    lastReceivedAt: timestamp('last_received_at', { withTimezone: true }).notNull(),
    completedAt: timestamp('completed_at', { withTimezone: true }),
    /** Kept until then unless held; the original is deleted after, the custody log kept. */
    retainUntil: timestamp('retain_until', { withTimezone: true }).notNull(),
    /** A legal hold: the retention job never deletes a held item. The reason is sealed. */
    holdReason: text('hold_reason'),
    holdBy: uuid('hold_by').references(() => users.id),
    holdAt: timestamp('hold_at', { withTimezone: true }),
    /** When the original was deleted (retention or the legal team); the row and its log remain. */
    deletedAt: timestamp('deleted_at', { withTimezone: true }),
    /**
     * A photo's working copy (evidence_working_copies): made, or why none can be; null until the
     * copy job has run (or for other kinds).
     */
    workingCopy: text('working_copy', { enum: ['ready', ...WORKING_COPY_GAPS] }),
    workingCopyWidth: integer('working_copy_width'),
    workingCopyHeight: integer('working_copy_height'),
    createdAt: createdAt(),
  },
  (t) => [
    index('evidence_items_incident').on(t.incidentId),
    index('evidence_items_retain').on(t.retainUntil),
    index('evidence_items_case').on(t.caseId),
    check('evidence_items_bytes', sql`${t.bytes} >= 0`),
    check('evidence_items_one_owner', sql`(${t.incidentId} is null) <> (${t.caseId} is null)`),
  ],
);

/** An item's bytes, as sealed chunks in order, each with its plaintext hash and the chain so far. */
export const evidenceChunks = pgTable(
  'evidence_chunks',
  {
    itemId: uuid('item_id')
      .notNull()
      .references(() => evidenceItems.id, { onDelete: 'cascade' }),
    seq: integer('seq').notNull(),
    offset: bigint('offset', { mode: 'number' }).notNull(),
    length: integer('length').notNull(),
    /** The last chunk of a complete item (bound into its seal). */
    final: boolean('final').notNull().default(false),
    sha256: bytea('sha256').notNull(),
    chain: bytea('chain').notNull(),
    /** The sealed bytes, when the database is the store (chunk-store.ts). */
    sealed: bytea('sealed'),
    /** Or the name of the file holding them, when a folder is (EVIDENCE_STORE_DIR). */
    blob: text('blob'),
    /**
     * When the server stored it (for a note, when each entry reached the server: evidence of its
     * own). None for chunks stored before this was kept.
     */
    receivedAt: timestamp('received_at', { withTimezone: true, precision: 3 }),
  },
  (t) => [
    primaryKey({ columns: [t.itemId, t.seq] }),
    check('evidence_chunks_kept_once', sql`(${t.sealed} is null) <> (${t.blob} is null)`),
  ],
);

/** The chain of custody: appended only, each row's hash covering the one before (custody.ts). */
export const evidenceCustody = pgTable(
  'evidence_custody',
  {
    itemId: uuid('item_id')
      .notNull()
      .references(() => evidenceItems.id),
    seq: integer('seq').notNull(),
    at: timestamp('at', { withTimezone: true, precision: 3 }).notNull(),
    event: text('event').notNull(),
    actorId: uuid('actor_id').references(() => users.id),
    actorRole: text('actor_role'),
    /** A keyed digest of the session it came from (never the session's token). */
    sessionTag: text('session_tag'),
    details: jsonb('details').$type<Record<string, string | number | boolean | null>>().notNull(),
    previousHash: bytea('previous_hash'),
    hash: bytea('hash').notNull(),
  },
  (t) => [primaryKey({ columns: [t.itemId, t.seq] })],
);

/**
 * A photo's working copy: a new JPEG of its pixels only (media/photo.ts), sealed by the server
 * key. Deleted with its original.
 */
export const evidenceWorkingCopies = pgTable('evidence_working_copies', {
  itemId: uuid('item_id')
    .primaryKey()
    .references(() => evidenceItems.id, { onDelete: 'cascade' }),
  contentType: text('content_type').notNull(),
  /** SHA-256 of the copy's bytes (named in the item's custody log when it was made). */
  sha256: bytea('sha256').notNull(),
  sealed: bytea('sealed').notNull(),
  createdAt: createdAt(),
});
