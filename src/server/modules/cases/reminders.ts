import { z } from 'zod';
import type { ReminderKind } from '../../../shared/case-calendar.js';
import { toE164 } from '../../../shared/phone.js';
import type { SecretBox } from '../../crypto/secret-box.js';
import type { Database, Drizzle } from '../../db/database.js';
import { defineJob, type JobQueue } from '../../jobs/queue.js';
import type { Mailer } from '../../mail/mailer.js';
import type { StaffPush } from '../dispatch/notify.js';
import type { SmsSender } from '../sms/twilio.js';
import { type CaseRow, findCase } from './cases.repo.js';
import {
  familyReminderSms,
  type ReminderFacts,
  reminderMail,
  reminderPush,
  smsLanguageOf,
} from './reminder-texts.js';
import {
  activeEmail,
  assignedTasksDue,
  casePeople,
  claimReminder,
  contactsOf,
  findContact,
  findHearing,
  findReminder,
  findTask,
  hearingsBetween,
} from './schedule.repo.js';
import { context, openJson } from './sealing.js';

/**
 * Hearing and task reminders (issue 16). Every five minutes a sweep finds what is due: a hearing a
 * week ahead (sent while it is between 7 and 6 days away, so a hearing added later than that gets
 * only the day-before one) and a day ahead; a task at 9:00 (the coalition's time zone) the day
 * before its due date, or on the day itself if it was given a due date later than that. Each
 * (hearing or task, its time, kind) is claimed once in the database (`case_reminders`, unique), so
 * several processes and retried sweeps send nothing twice, and a moved hearing is a new time and is
 * reminded again. The claim's transaction queues one job per recipient and channel; each job reads
 * the case again when it runs and sends nothing if the case was closed or deleted, the hearing moved,
 * the task done, or the person no longer holds the case.
 */

export const REMINDER_SCHEDULE = '*/5 * * * *';
/** The hour (coalition time) from which the day before a task's due date it is reminded. */
export const TASK_REMINDER_HOUR = 9;
const DAY = 86_400_000;

export interface ReminderDeps {
  database: Database;
  box: SecretBox;
  now: () => Date;
  jobs: Pick<JobQueue, 'send'>;
  staffPush: Pick<StaffPush, 'notifyText' | 'readerLanguage'>;
  mailer: Mailer | null;
  sms: SmsSender | null;
  /** The coalition's time zone (FARO_TIMEZONE): what "9:00" and "tomorrow" mean. */
  timeZone: string;
  publicUrl: string;
}

/** The calendar date and hour at this moment in this time zone. */
export function localDay(at: Date, timeZone: string): { date: string; hour: number } {
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat('en-CA', {
      timeZone,
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      hourCycle: 'h23',
    })
      .formatToParts(at)
      .map((part) => [part.type, part.value]),
  );
  return { date: `${parts.year}-${parts.month}-${parts.day}`, hour: Number(parts.hour) };
}

const nextDate = (date: string) => new Date(Date.parse(`${date}T00:00:00Z`) + DAY).toISOString().slice(0, 10);

/** The due dates whose tasks are reminded now: today's, and from 9:00 tomorrow's. */
export function taskDatesDue(at: Date, timeZone: string): string[] {
  const { date, hour } = localDay(at, timeZone);
  return hour >= TASK_REMINDER_HOUR ? [date, nextDate(date)] : [date];
}

const sendPayload = z.object({
  reminderId: z.uuid(),
  coalitionId: z.uuid(),
  channel: z.enum(['push', 'email', 'sms']),
  /** A person (push, e-mail) or a family contact (SMS). */
  recipientId: z.uuid(),
});
type SendPayload = z.infer<typeof sendPayload>;

export function createCaseReminders(deps: ReminderDeps) {
  const { database, box } = deps;

  /** Who a hearing's reminder goes to: the case's attorney while on the team, else all who hold it. */
  async function hearingRecipients(db: Drizzle, row: CaseRow) {
    const people = await casePeople(db, row.id, row.organizationId);
    return row.attorneyId && people.includes(row.attorneyId) ? [row.attorneyId] : people;
  }

  const send = defineJob({
    name: 'cases.reminder-send',
    payload: sendPayload,
    retryLimit: 6,
    retryDelaySeconds: 60,
    handler: (payload) => deliver(payload),
  });

  /** One recipient's reminder on one channel, if it still stands. */
  async function deliver({ reminderId, coalitionId, channel, recipientId }: SendPayload) {
    const db = database.db;
    const reminder = await findReminder(db, reminderId);
    if (!reminder) return;
    const row = await findCase(db, coalitionId, reminder.caseId);
    if (!row || row.closedAt) return;
    const facts: ReminderFacts = {
      kind: reminder.kind,
      caseId: row.id,
      at: reminder.dueFor,
      timeZone: deps.timeZone,
      publicUrl: deps.publicUrl,
    };
    if (reminder.kind === 'task_due') {
      const task = await findTask(db, row.id, reminder.subjectId);
      if (!task || task.doneAt || task.dueOn !== reminder.dueFor || task.assigneeId !== recipientId) return;
    } else {
      const hearing = await findHearing(db, row.id, reminder.subjectId);
      if (!hearing || hearing.at.toISOString() !== reminder.dueFor) return;
      facts.court = openJson<{ court: string }>(box, hearing.details, context.hearing(hearing.id)).court;
      if (channel === 'sms') return textFamily(row.id, recipientId, reminder.kind, hearing.at, facts.court);
      if (!(await hearingRecipients(db, row)).includes(recipientId)) return;
    }
    if (channel === 'push') {
      await deps.staffPush.notifyText([recipientId], {
        text: (language) => reminderPush(facts, language),
        url: `/cases?case=${row.id}`,
        urgency: 'normal',
        ttlSeconds: 12 * 3600,
        tag: `case-reminder-${reminderId}`,
      });
      return;
    }
    const to = await activeEmail(db, recipientId);
    if (!to || !deps.mailer) return;
    const mail = reminderMail(facts, await deps.staffPush.readerLanguage(recipientId));
    await deps.mailer.send({
      to,
      ...mail,
      messageId: `<case-reminder.${reminderId}.${recipientId}@faro.invalid>`,
    });
  }

  async function textFamily(caseId: string, contactId: string, kind: ReminderKind, at: Date, court: string) {
    if (!deps.sms || kind === 'task_due') return;
    const contact = await findContact(database.db, caseId, contactId);
    if (!contact) return;
    const details = openJson<{ phone?: string; language?: string; textReminders?: boolean }>(
      box,
      contact.details,
      context.contact(contact.id),
    );
    const phone = details.phone ? toE164(details.phone) : null;
    if (!details.textReminders || !phone) return;
    const language = smsLanguageOf(details.language);
    await deps.sms.send(phone, familyReminderSms({ kind, at, court, timeZone: deps.timeZone }, language));
  }

  /** Claims one reminder and queues its sends, in one transaction; false when it was claimed before. */
  async function claim(
    reminder: { caseId: string; coalitionId: string; subjectId: string; kind: ReminderKind; dueFor: string },
    recipientsOf: (db: Drizzle, row: CaseRow) => Promise<{ people: string[]; contacts: string[] }>,
  ): Promise<boolean> {
    return database.transaction(async ({ db, client }) => {
      const row = await findCase(db, reminder.coalitionId, reminder.caseId);
      if (!row || row.closedAt) return false;
      const reminderId = await claimReminder(db, {
        caseId: reminder.caseId,
        subjectId: reminder.subjectId,
        kind: reminder.kind,
        dueFor: reminder.dueFor,
      });
      if (!reminderId) return false;
      const { people, contacts } = await recipientsOf(db, row);
      const base = { reminderId, coalitionId: reminder.coalitionId };
      for (const recipientId of people) {
        await deps.jobs.send(send, { ...base, channel: 'push', recipientId }, client);
        if (deps.mailer) await deps.jobs.send(send, { ...base, channel: 'email', recipientId }, client);
      }
      for (const recipientId of contacts)
        await deps.jobs.send(send, { ...base, channel: 'sms', recipientId }, client);
      return true;
    });
  }

  /** The contacts of a case who asked for texts (and have a number Faro can text). */
  async function textedContacts(db: Drizzle, caseId: string) {
    if (!deps.sms) return [];
    const rows = await contactsOf(db, caseId);
    return rows
      .filter((contact) => {
        const details = openJson<{ phone?: string; textReminders?: boolean }>(
          box,
          contact.details,
          context.contact(contact.id),
        );
        return details.textReminders === true && Boolean(details.phone && toE164(details.phone));
      })
      .map((contact) => contact.id);
  }

  /** Finds what is due now and claims it; returns how many reminders were claimed. */
  async function sweep(): Promise<number> {
    const at = deps.now();
    const t = at.getTime();
    let claimed = 0;
    const windows: [ReminderKind, number, number][] = [
      ['hearing_week', 6 * DAY, 7 * DAY],
      ['hearing_day', 0, DAY],
    ];
    for (const [kind, after, until] of windows) {
      const due = await hearingsBetween(database.db, new Date(t + after), new Date(t + until));
      for (const { hearing, coalitionId } of due) {
        const made = await claim(
          {
            caseId: hearing.caseId,
            coalitionId,
            subjectId: hearing.id,
            kind,
            dueFor: hearing.at.toISOString(),
          },
          async (db, row) => ({
            people: await hearingRecipients(db, row),
            contacts: await textedContacts(db, row.id),
          }),
        );
        if (made) claimed += 1;
      }
    }
    for (const { task, coalitionId } of await assignedTasksDue(
      database.db,
      taskDatesDue(at, deps.timeZone),
    )) {
      if (!task.dueOn || !task.assigneeId) continue;
      const assignee = task.assigneeId;
      const made = await claim(
        { caseId: task.caseId, coalitionId, subjectId: task.id, kind: 'task_due', dueFor: task.dueOn },
        async (db, row) => ({
          people: (await casePeople(db, row.id, row.organizationId)).includes(assignee) ? [assignee] : [],
          contacts: [],
        }),
      );
      if (made) claimed += 1;
    }
    return claimed;
  }

  const sweepJob = defineJob({
    name: 'cases.reminders',
    payload: z.object({}),
    retryLimit: 2,
    retryDelaySeconds: 60,
    schedule: REMINDER_SCHEDULE,
    async handler() {
      await sweep();
    },
  });

  return { sweep, jobs: { send, sweep: sweepJob } };
}
export type CaseReminders = ReturnType<typeof createCaseReminders>;
