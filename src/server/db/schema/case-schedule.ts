import { index, pgTable, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { REMINDER_KINDS } from '../../../shared/case-calendar.js';
import { users } from './access.js';
import { cases } from './cases.js';
import { createdAt } from './columns.js';

/**
 * What the cases module keeps to remind people of hearings and tasks, and to serve each person's
 * calendar (issue 16). Owned by `modules/cases/`: only cases/schedule.repo.ts writes these tables.
 */

/**
 * A reminder that was sent (or is being sent): one row per hearing or task, per the moment it was
 * due for, per kind (a week ahead, a day ahead, a task's due date). The unique key holds the
 * hearing's time (or the task's due date), so a moved hearing is reminded again for its new date,
 * and a second process or a retried run finds the row and sends nothing. Deleted with its case.
 */
export const caseReminders = pgTable(
  'case_reminders',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    caseId: uuid('case_id')
      .notNull()
      .references(() => cases.id, { onDelete: 'cascade' }),
    /** The hearing or the task (their rows are the cases module's too; no reference, they may go). */
    subjectId: uuid('subject_id').notNull(),
    kind: text('kind', { enum: REMINDER_KINDS }).notNull(),
    /** The hearing's time (ISO) or the task's due date, as it was when the reminder was sent. */
    dueFor: text('due_for').notNull(),
    createdAt: createdAt(),
  },
  (t) => [
    uniqueIndex('case_reminders_once').on(t.subjectId, t.dueFor, t.kind),
    index('case_reminders_case').on(t.caseId),
  ],
);

/**
 * A person's calendar feed: the digest of its secret token (never the token), and the language
 * its events are written in. One per person; a new one replaces the old, revoking deletes it.
 */
export const caseCalendarFeeds = pgTable('case_calendar_feeds', {
  userId: uuid('user_id')
    .primaryKey()
    .references(() => users.id, { onDelete: 'cascade' }),
  tokenDigest: text('token_digest').notNull().unique(),
  language: text('language').notNull(),
  createdAt: createdAt(),
  lastReadAt: timestamp('last_read_at', { withTimezone: true }),
});
