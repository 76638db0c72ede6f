import { and, asc, eq, gt, inArray, isNotNull, isNull, lte, or, sql } from 'drizzle-orm';
import type { Drizzle } from '../../db/database.js';
import {
  caseCalendarFeeds,
  caseContacts,
  caseHearings,
  caseMembers,
  caseReminders,
  cases,
  caseTasks,
  memberships,
  users,
} from '../../db/schema.js';

/**
 * The cases module's SQL for reminders and calendars (schema/case-schedule.ts, and the hearings and
 * contacts it changes). The module's other repository, cases.repo.ts, writes the rest of its tables.
 */

/** Hearings of open cases whose time falls in (after, until]. */
export function hearingsBetween(db: Drizzle, after: Date, until: Date) {
  return db
    .select({ hearing: caseHearings, coalitionId: cases.coalitionId })
    .from(caseHearings)
    .innerJoin(cases, eq(cases.id, caseHearings.caseId))
    .where(and(gt(caseHearings.at, after), lte(caseHearings.at, until), isNull(cases.closedAt)))
    .orderBy(asc(caseHearings.at));
}

/** Tasks of open cases, not done, assigned to someone, due on one of these dates. */
export function assignedTasksDue(db: Drizzle, dates: string[]) {
  return db
    .select({ task: caseTasks, coalitionId: cases.coalitionId })
    .from(caseTasks)
    .innerJoin(cases, eq(cases.id, caseTasks.caseId))
    .where(
      and(
        inArray(caseTasks.dueOn, dates),
        isNull(caseTasks.doneAt),
        isNotNull(caseTasks.assigneeId),
        isNull(cases.closedAt),
      ),
    );
}

/** Records that a reminder is due; its id when this call made the row, undefined when it existed. */
export async function claimReminder(db: Drizzle, row: typeof caseReminders.$inferInsert) {
  const [inserted] = await db
    .insert(caseReminders)
    .values(row)
    .onConflictDoNothing()
    .returning({ id: caseReminders.id });
  return inserted?.id;
}

export async function findReminder(db: Drizzle, id: string) {
  const [row] = await db.select().from(caseReminders).where(eq(caseReminders.id, id));
  return row;
}

export async function findHearing(db: Drizzle, caseId: string, hearingId: string) {
  const [row] = await db
    .select()
    .from(caseHearings)
    .where(and(eq(caseHearings.caseId, caseId), eq(caseHearings.id, hearingId)));
  return row;
}

export async function updateHearing(
  db: Drizzle,
  hearingId: string,
  values: Partial<Pick<typeof caseHearings.$inferInsert, 'at' | 'details'>>,
) {
  await db.update(caseHearings).set(values).where(eq(caseHearings.id, hearingId));
}

export async function findTask(db: Drizzle, caseId: string, taskId: string) {
  const [row] = await db
    .select()
    .from(caseTasks)
    .where(and(eq(caseTasks.caseId, caseId), eq(caseTasks.id, taskId)));
  return row;
}

export function contactsOf(db: Drizzle, caseId: string) {
  return db.select().from(caseContacts).where(eq(caseContacts.caseId, caseId));
}

/** A contact of this case (sealed details), or undefined (also the family-status side's lookup). */
export async function findContact(db: Drizzle, caseId: string, contactId: string) {
  const [row] = await db
    .select()
    .from(caseContacts)
    .where(and(eq(caseContacts.caseId, caseId), eq(caseContacts.id, contactId)));
  return row;
}

export async function updateContact(db: Drizzle, contactId: string, details: string) {
  await db.update(caseContacts).set({ details }).where(eq(caseContacts.id, contactId));
}

/**
 * Who holds a case and who works on it, active accounts only: the holding organization's legal team
 * and the people it added. (An attorney is one of the team: `assignAttorney` checks it.)
 */
export async function casePeople(db: Drizzle, caseId: string, organizationId: string) {
  const added = db.select({ id: caseMembers.userId }).from(caseMembers).where(eq(caseMembers.caseId, caseId));
  const rows = await db
    .selectDistinct({ id: users.id })
    .from(users)
    .leftJoin(
      memberships,
      and(
        eq(memberships.userId, users.id),
        eq(memberships.role, 'legal'),
        eq(memberships.organizationId, organizationId),
      ),
    )
    .where(and(isNull(users.disabledAt), or(isNotNull(memberships.userId), inArray(users.id, added))));
  return rows.map((row) => row.id);
}

/** An active account's e-mail address (staff sign in with it). */
export async function activeEmail(db: Drizzle, userId: string) {
  const [row] = await db
    .select({ email: users.email })
    .from(users)
    .where(and(eq(users.id, userId), isNull(users.disabledAt)));
  return row?.email;
}

/** Hearings and tasks with due dates of these cases, for a calendar; hearings from `since` on. */
export async function calendarEntries(db: Drizzle, caseIds: string[], since: Date, sinceDate: string) {
  if (caseIds.length === 0) return { hearings: [], tasks: [] };
  const hearings = await db
    .select()
    .from(caseHearings)
    .where(and(inArray(caseHearings.caseId, caseIds), gt(caseHearings.at, since)))
    .orderBy(asc(caseHearings.at));
  const tasks = await db
    .select({ id: caseTasks.id, caseId: caseTasks.caseId, dueOn: caseTasks.dueOn, doneAt: caseTasks.doneAt })
    .from(caseTasks)
    .where(
      and(
        inArray(caseTasks.caseId, caseIds),
        isNotNull(caseTasks.dueOn),
        sql`${caseTasks.dueOn} >= ${sinceDate}`,
      ),
    )
    .orderBy(asc(caseTasks.dueOn));
  return { hearings, tasks };
}

/** A person's feed in place of the one they had (call in a transaction). */
export async function replaceCalendarFeed(db: Drizzle, row: typeof caseCalendarFeeds.$inferInsert) {
  await db.delete(caseCalendarFeeds).where(eq(caseCalendarFeeds.userId, row.userId));
  await db.insert(caseCalendarFeeds).values(row);
}

export async function deleteCalendarFeed(db: Drizzle, userId: string) {
  const deleted = await db
    .delete(caseCalendarFeeds)
    .where(eq(caseCalendarFeeds.userId, userId))
    .returning({ userId: caseCalendarFeeds.userId });
  return deleted.length > 0;
}

export async function calendarFeedOf(db: Drizzle, userId: string) {
  const [row] = await db.select().from(caseCalendarFeeds).where(eq(caseCalendarFeeds.userId, userId));
  return row;
}

/** The feed with this token's digest, and its owner's account (active or not, and coalition). */
export async function calendarFeedByDigest(db: Drizzle, tokenDigest: string) {
  const [row] = await db
    .select({ feed: caseCalendarFeeds, coalitionId: users.coalitionId, disabledAt: users.disabledAt })
    .from(caseCalendarFeeds)
    .innerJoin(users, eq(users.id, caseCalendarFeeds.userId))
    .where(eq(caseCalendarFeeds.tokenDigest, tokenDigest));
  return row;
}

export async function touchCalendarFeed(db: Drizzle, userId: string, at: Date) {
  await db.update(caseCalendarFeeds).set({ lastReadAt: at }).where(eq(caseCalendarFeeds.userId, userId));
}
