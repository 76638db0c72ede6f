import { boolean, date, index, pgTable, primaryKey, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import { CASE_LINK_KINDS, CASE_SOURCES, CONSENT_METHODS, CUSTODY_STATUSES } from '../../../shared/cases.js';
import { users } from './access.js';
import { coalitionRef, organizations } from './coalitions.js';
import { createdAt } from './columns.js';

/**
 * The legal team's cases (issue 16). Owned by `modules/cases/`: only cases.repo.ts writes these
 * tables. Every personal field is sealed with the server key, bound to its row (cases/sealing.ts);
 * a case is found by keyed digests of its A-number and names (case_digests), never by plaintext.
 * What stays in clear is what the list filters and counts need: custody status, the facility's
 * entry in the admin-kept list, hearing times, task due dates.
 */

/** The detention facilities an admin keeps, to pick from (a case may also name one in free text). */
export const caseFacilities = pgTable('case_facilities', {
  id: uuid('id').primaryKey().defaultRandom(),
  coalitionId: coalitionRef(),
  name: text('name').notNull(),
  active: boolean('active').notNull().default(true),
  createdAt: createdAt(),
});

export const cases = pgTable(
  'cases',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    coalitionId: coalitionRef(),
    /** The member organization whose legal team holds the case. */
    organizationId: uuid('organization_id')
      .notNull()
      .references(() => organizations.id),
    attorneyId: uuid('attorney_id').references(() => users.id, { onDelete: 'set null' }),
    source: text('source', { enum: CASE_SOURCES }).notNull(),
    status: text('status', { enum: CUSTODY_STATUSES }).notNull().default('unknown'),
    /** The person (name, contact, aliases, A-number, birth, language), one sealed JSON document. */
    person: text('person').notNull(),
    /** Consent: who gave it (sealed), how, when, who recorded it. Null until given. */
    consentGivenBy: text('consent_given_by'),
    consentMethod: text('consent_method', { enum: CONSENT_METHODS }),
    consentAt: timestamp('consent_at', { withTimezone: true }),
    consentRecordedBy: uuid('consent_recorded_by').references(() => users.id, { onDelete: 'set null' }),
    facilityId: uuid('facility_id').references(() => caseFacilities.id),
    /** A facility not in the list, sealed. */
    facilityText: text('facility_text'),
    openedBy: uuid('opened_by').references(() => users.id, { onDelete: 'set null' }),
    closedAt: timestamp('closed_at', { withTimezone: true }),
    /** Retention never deletes a case on hold. */
    holdAt: timestamp('hold_at', { withTimezone: true }),
    createdAt: createdAt(),
  },
  (t) => [index('cases_org').on(t.organizationId), index('cases_closed').on(t.closedAt)],
);

/** Keyed digests a case is found by: its A-number, its name and each alias (cases/search.ts). */
export const caseDigests = pgTable(
  'case_digests',
  {
    caseId: uuid('case_id')
      .notNull()
      .references(() => cases.id, { onDelete: 'cascade' }),
    kind: text('kind', { enum: ['a_number', 'name'] }).notNull(),
    digest: text('digest').notNull(),
  },
  (t) => [primaryKey({ columns: [t.caseId, t.kind, t.digest] }), index('case_digests_digest').on(t.digest)],
);

/** Custody over time: every change of status or facility. */
export const caseCustodyEvents = pgTable(
  'case_custody_events',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    caseId: uuid('case_id')
      .notNull()
      .references(() => cases.id, { onDelete: 'cascade' }),
    status: text('status', { enum: CUSTODY_STATUSES }).notNull(),
    at: timestamp('at', { withTimezone: true }).notNull(),
    facilityId: uuid('facility_id').references(() => caseFacilities.id),
    facilityText: text('facility_text'),
    recordedBy: uuid('recorded_by').references(() => users.id, { onDelete: 'set null' }),
    createdAt: createdAt(),
  },
  (t) => [index('case_custody_case').on(t.caseId)],
);

/** A hearing: its time in clear (lists, reminders), court, type and judge sealed together. */
export const caseHearings = pgTable(
  'case_hearings',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    caseId: uuid('case_id')
      .notNull()
      .references(() => cases.id, { onDelete: 'cascade' }),
    at: timestamp('at', { withTimezone: true }).notNull(),
    details: text('details').notNull(),
    createdBy: uuid('created_by').references(() => users.id, { onDelete: 'set null' }),
    createdAt: createdAt(),
  },
  (t) => [index('case_hearings_case').on(t.caseId), index('case_hearings_at').on(t.at)],
);

/** A family contact: name, phone, language, relation, sealed together. */
export const caseContacts = pgTable(
  'case_contacts',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    caseId: uuid('case_id')
      .notNull()
      .references(() => cases.id, { onDelete: 'cascade' }),
    details: text('details').notNull(),
    createdAt: createdAt(),
  },
  (t) => [index('case_contacts_case').on(t.caseId)],
);

export const caseTasks = pgTable(
  'case_tasks',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    caseId: uuid('case_id')
      .notNull()
      .references(() => cases.id, { onDelete: 'cascade' }),
    text: text('text').notNull(),
    dueOn: date('due_on'),
    assigneeId: uuid('assignee_id').references(() => users.id, { onDelete: 'set null' }),
    doneAt: timestamp('done_at', { withTimezone: true }),
    createdAt: createdAt(),
  },
  (t) => [index('case_tasks_case').on(t.caseId)],
);

export const caseNotes = pgTable(
  'case_notes',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    caseId: uuid('case_id')
      .notNull()
      .references(() => cases.id, { onDelete: 'cascade' }),
    text: text('text').notNull(),
    authorId: uuid('author_id').references(() => users.id, { onDelete: 'set null' }),
    createdAt: createdAt(),
  },
  (t) => [index('case_notes_case').on(t.caseId)],
);

/** Incidents and evidence items the case refers to (their rows belong to their own modules). */
export const caseLinks = pgTable(
  'case_links',
  {
    caseId: uuid('case_id')
      .notNull()
      .references(() => cases.id, { onDelete: 'cascade' }),
    kind: text('kind', { enum: CASE_LINK_KINDS }).notNull(),
    targetId: uuid('target_id').notNull(),
    linkedBy: uuid('linked_by').references(() => users.id, { onDelete: 'set null' }),
    createdAt: createdAt(),
  },
  (t) => [primaryKey({ columns: [t.caseId, t.kind, t.targetId] })],
);

/** People the holding team added to a case (besides the team itself). */
export const caseMembers = pgTable(
  'case_members',
  {
    caseId: uuid('case_id')
      .notNull()
      .references(() => cases.id, { onDelete: 'cascade' }),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    addedBy: uuid('added_by').references(() => users.id, { onDelete: 'set null' }),
    createdAt: createdAt(),
  },
  (t) => [primaryKey({ columns: [t.caseId, t.userId] }), index('case_members_user').on(t.userId)],
);

/**
 * A referral to another member organization's legal team: the case moves, and this record is all
 * the sending organization keeps of it (the note sealed), until the case itself is deleted.
 */
export const caseReferrals = pgTable(
  'case_referrals',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    coalitionId: coalitionRef(),
    caseId: uuid('case_id').notNull(),
    fromOrganizationId: uuid('from_organization_id')
      .notNull()
      .references(() => organizations.id),
    toOrganizationId: uuid('to_organization_id')
      .notNull()
      .references(() => organizations.id),
    note: text('note').notNull(),
    referredBy: uuid('referred_by').references(() => users.id, { onDelete: 'set null' }),
    createdAt: createdAt(),
  },
  (t) => [index('case_referrals_from').on(t.fromOrganizationId)],
);
