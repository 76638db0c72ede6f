import { z } from 'zod';
import { LANGUAGES } from './report-fields.js';

/**
 * Hearing and task reminders, and each person's calendar feed (issue 16): what the cases
 * module's schedule routes take and answer, shared by the server and the web.
 */

/**
 * The reminders Faro sends: a hearing a week ahead and a day ahead; a task on the morning before
 * its due date (in the coalition's time zone), so there is a working day left to do it.
 */
export const REMINDER_KINDS = ['hearing_week', 'hearing_day', 'task_due'] as const;
export type ReminderKind = (typeof REMINDER_KINDS)[number];

/**
 * A case as a calendar or a reminder names it to the outside: the first eight symbols of its id,
 * never the person's name or A-number (a calendar is read by Google's or Apple's servers).
 */
export const caseReference = (caseId: string) => caseId.replace(/-/g, '').slice(0, 8).toUpperCase();

/** A hearing moved or corrected: the fields given change; a new time is reminded again. */
export const hearingChangeSchema = z
  .object({
    at: z.iso.datetime({ offset: true }).optional(),
    court: z.string().trim().min(1).max(200).optional(),
    type: z.string().trim().min(1).max(100).optional(),
    judge: z.string().trim().max(200).optional(),
  })
  .refine((change) => Object.values(change).some((value) => value !== undefined), {
    message: 'Give at least one field to change.',
  });

/** Whether a family contact wants hearing reminders by text (the team ticks it on their word). */
export const contactRemindersSchema = z.object({ textReminders: z.boolean() });

/** A person's calendar feed, as their page shows it: whether one exists, since when, last read. */
export const calendarFeedSchema = z.object({
  active: z.boolean(),
  createdAt: z.string().nullable(),
  lastReadAt: z.string().nullable(),
});
export type CalendarFeed = z.infer<typeof calendarFeedSchema>;

/** A new feed: its secret address, shown this once (only its digest is kept). */
export const calendarFeedCreatedSchema = z.object({ url: z.string() });
export type CalendarFeedCreated = z.infer<typeof calendarFeedCreatedSchema>;

export const calendarFeedRequestSchema = z.object({ language: z.enum(LANGUAGES).default('en') });
