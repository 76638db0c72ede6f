import {
  index,
  integer,
  jsonb,
  pgTable,
  primaryKey,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from 'drizzle-orm/pg-core';
import { users } from './access.js';
import { coalitionRef, organizations } from './coalitions.js';
import { bytea, createdAt } from './columns.js';

/**
 * The rights library (issue 17): know-your-rights content the coalition edits, each item in up to
 * ten languages, each translation with its review status and every version kept. Public content —
 * nothing here is sealed — but every word of it passes the publishing guard. Owned by
 * `modules/rights/` (rights.repo.ts writes these tables).
 */
export const rightsItems = pgTable(
  'rights_items',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    coalitionId: coalitionRef(),
    /** A stable name (`door`, `street`, `card`…): the shipped content and links find an item by it. */
    slug: text('slug').notNull(),
    /** `topic` (a situation: at the door, in the street…) or `card` (the wallet card: what to say, what to do). */
    kind: text('kind').notNull(),
    position: integer('position').notNull(),
    createdAt: createdAt(),
  },
  (t) => [uniqueIndex('rights_items_coalition_slug').on(t.coalitionId, t.slug)],
);

/** An item's text in one language as it is now; its `version` is the latest of rights_text_versions. */
export const rightsTexts = pgTable(
  'rights_texts',
  {
    itemId: uuid('item_id')
      .notNull()
      .references(() => rightsItems.id, { onDelete: 'cascade' }),
    language: text('language').notNull(),
    version: integer('version').notNull(),
    /** The text itself: `{ title, points, more, sources }` (shared/rights.ts `rightsTextSchema`). */
    content: jsonb('content').notNull(),
    /** `draft` (shown with "not yet reviewed") or `reviewed`. */
    status: text('status').notNull(),
    reviewedByOrganization: uuid('reviewed_by_organization').references(() => organizations.id, {
      onDelete: 'set null',
    }),
    reviewedAt: timestamp('reviewed_at', { withTimezone: true }),
    updatedBy: uuid('updated_by').references(() => users.id, { onDelete: 'set null' }),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.itemId, t.language] })],
);

/** Every version of every text: who changed what, when; a review is a version of its own. */
export const rightsTextVersions = pgTable(
  'rights_text_versions',
  {
    itemId: uuid('item_id')
      .notNull()
      .references(() => rightsItems.id, { onDelete: 'cascade' }),
    language: text('language').notNull(),
    version: integer('version').notNull(),
    content: jsonb('content').notNull(),
    status: text('status').notNull(),
    /** `shipped` (Faro's own text), `edited` or `reviewed`. */
    change: text('change').notNull(),
    reviewedByOrganization: uuid('reviewed_by_organization').references(() => organizations.id, {
      onDelete: 'set null',
    }),
    actorId: uuid('actor_id').references(() => users.id, { onDelete: 'set null' }),
    at: timestamp('at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.itemId, t.language, t.version] }),
    index('rights_text_versions_at').on(t.itemId, t.at),
  ],
);

/**
 * Audio clips of the rights library (issue 17, megaphone mode and "read to me"): a member's
 * recording of an item read aloud in one language, uploaded by an admin. Every upload is a new
 * version (earlier rows kept: who uploaded, when); a version is played publicly only once reviewed
 * for a member organization. Public audio — not sealed. An edit of the item's text leaves its
 * clips' status alone.
 */
export const rightsClips = pgTable(
  'rights_clips',
  {
    itemId: uuid('item_id')
      .notNull()
      .references(() => rightsItems.id, { onDelete: 'cascade' }),
    language: text('language').notNull(),
    version: integer('version').notNull(),
    /** The audio type its bytes were recognized as (audio/mpeg, audio/ogg, audio/webm, audio/mp4, audio/wav). */
    contentType: text('content_type').notNull(),
    bytes: bytea('bytes').notNull(),
    size: integer('size').notNull(),
    /** `draft` until reviewed, then `reviewed`. */
    status: text('status').notNull(),
    uploadedBy: uuid('uploaded_by').references(() => users.id, { onDelete: 'set null' }),
    uploadedAt: timestamp('uploaded_at', { withTimezone: true }).notNull().defaultNow(),
    reviewedByOrganization: uuid('reviewed_by_organization').references(() => organizations.id, {
      onDelete: 'set null',
    }),
    reviewedBy: uuid('reviewed_by').references(() => users.id, { onDelete: 'set null' }),
    reviewedAt: timestamp('reviewed_at', { withTimezone: true }),
  },
  (t) => [primaryKey({ columns: [t.itemId, t.language, t.version] })],
);

/**
 * Where each translation of Faro's own words stands for a coalition (issue 17): per part — `ui`, the
 * public pages' words, or `alerts`, the alert templates' words — and per language. A row only for a
 * language someone reviewed (or put back to draft); no row is a draft. English and Spanish ship
 * reviewed and have no row. Owned by `modules/rights/` (translations.repo.ts writes it).
 */
export const translationReviews = pgTable(
  'translation_reviews',
  {
    coalitionId: coalitionRef(),
    /** `ui` or `alerts` (shared/translations.ts). */
    part: text('part').notNull(),
    language: text('language').notNull(),
    /** `draft` or `reviewed`. */
    status: text('status').notNull(),
    reviewedByOrganization: uuid('reviewed_by_organization').references(() => organizations.id, {
      onDelete: 'set null',
    }),
    /** Who marked it (reviewed, or back to draft). */
    actorId: uuid('actor_id').references(() => users.id, { onDelete: 'set null' }),
    at: timestamp('at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.coalitionId, t.part, t.language] })],
);
