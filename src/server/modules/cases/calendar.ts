import { randomBytes } from 'node:crypto';
import type { EventAttributes } from 'ics';
import type { CalendarFeed } from '../../../shared/case-calendar.js';
import { caseReference } from '../../../shared/case-calendar.js';
import type { Language } from '../../../shared/report-fields.js';
import type { Drizzle } from '../../db/database.js';
import { AppError } from '../../http/errors.js';
import { message } from '../../locales/messages.js';
import { recordAudit } from '../access/audit.js';
import { legalOrganizationsOf, listVisibleCases } from './cases.repo.js';
import type { CaseActor, CaseCore } from './cases.service.js';
import { caseLink } from './reminder-texts.js';
import {
  calendarEntries,
  calendarFeedByDigest,
  calendarFeedOf,
  deleteCalendarFeed,
  replaceCalendarFeed,
  touchCalendarFeed,
} from './schedule.repo.js';
import { context, openJson } from './sealing.js';

/** The iCalendar writer loads with the first feed fetched, not when the server starts. */
const loadIcs = () => import('ics');

/**
 * Each person's calendar of hearings and task due dates (issue 16), at a secret address they can
 * replace or revoke. The token is 32 random bytes; only its keyed digest is kept. What the feed
 * holds is worked out when it is fetched, as the case list is — a case referred away, or a person
 * taken off the legal team, is gone from it at the next fetch — and every fetch is audited. A
 * calendar is fetched and kept by someone else's servers (Google's, Apple's), so its events carry
 * no name and no A-number: the case's short reference, the hearing's type, court and judge, and the
 * link to the case in Faro, which asks for a sign-in.
 */

/** Hearings and tasks this far back stay in the calendar (a hearing just past is still looked up). */
const PAST_DAYS = 30;
const TOKEN = /^[A-Za-z0-9_-]{43}$/;
const digestOf = (core: CaseCore, token: string) => core.box.digest(token, 'case-calendar');

export const unknownCalendar = () => new AppError('NOT_FOUND', 'No calendar at this address.');

export function createCaseCalendar(core: CaseCore, deps: { publicUrl: string }) {
  const { database, now } = core;
  /** Feeds are the person's own: the audit row's actor and subject are its owner. */
  const feedAudit = (
    coalitionId: string,
    userId: string,
    action: 'case.calendar_created' | 'case.calendar_revoked' | 'case.calendar_read',
    db: Drizzle,
  ) =>
    recordAudit(db, {
      coalitionId,
      actorId: userId,
      action,
      subjectType: 'user',
      subjectId: userId,
      at: now(),
    });

  /** The events of the cases this person may know now, in their language. */
  async function events(db: Drizzle, coalitionId: string, userId: string, language: Language) {
    const at = now();
    const organizations = await legalOrganizationsOf(db, userId);
    const open = (await listVisibleCases(db, coalitionId, userId, organizations, at)).filter(
      ({ row }) => row.closedAt === null,
    );
    const since = new Date(at.getTime() - PAST_DAYS * 86_400_000);
    const { hearings, tasks } = await calendarEntries(
      db,
      open.map(({ row }) => row.id),
      since,
      since.toISOString().slice(0, 10),
    );
    const host = new URL(deps.publicUrl).host;
    const list: EventAttributes[] = [];
    for (const hearing of hearings) {
      const details = openJson<{ court: string; type: string; judge?: string }>(
        core.box,
        hearing.details,
        context.hearing(hearing.id),
      );
      const link = caseLink(deps.publicUrl, hearing.caseId);
      list.push({
        uid: `case-hearing-${hearing.id}@${host}`,
        start: hearing.at.getTime(),
        startInputType: 'utc',
        startOutputType: 'utc',
        // Courts give a time, not a length: an hour holds the place in the day.
        duration: { hours: 1 },
        title: message(language, 'caseCalendar.hearing', {
          type: details.type,
          reference: caseReference(hearing.caseId),
        }),
        location: details.court,
        description: [
          details.judge ? message(language, 'caseCalendar.judge', { judge: details.judge }) : null,
          message(language, 'caseCalendar.open', { link }),
        ]
          .filter(Boolean)
          .join('\n'),
        url: link,
      });
    }
    for (const task of tasks) {
      if (!task.dueOn || task.doneAt) continue;
      const [year, month, day] = task.dueOn.split('-').map(Number) as [number, number, number];
      const next = new Date(Date.UTC(year, month - 1, day + 1));
      const link = caseLink(deps.publicUrl, task.caseId);
      list.push({
        uid: `case-task-${task.id}@${host}`,
        start: [year, month, day],
        end: [next.getUTCFullYear(), next.getUTCMonth() + 1, next.getUTCDate()],
        // The task's own words may name people: they stay in Faro.
        title: message(language, 'caseCalendar.task', { reference: caseReference(task.caseId) }),
        description: message(language, 'caseCalendar.open', { link }),
        url: link,
        transp: 'TRANSPARENT',
      });
    }
    return list;
  }

  return {
    /** Whether this person has a feed, since when, and when it was last fetched. */
    async feed(actor: CaseActor): Promise<CalendarFeed> {
      const row = await calendarFeedOf(database.db, actor.userId);
      return {
        active: Boolean(row),
        createdAt: row?.createdAt.toISOString() ?? null,
        lastReadAt: row?.lastReadAt?.toISOString() ?? null,
      };
    },

    /** A new secret address for this person's feed, in place of any before it (shown this once). */
    async create(coalitionId: string, actor: CaseActor, language: Language) {
      const token = randomBytes(32).toString('base64url');
      await database.transaction(async ({ db }) => {
        await replaceCalendarFeed(db, {
          userId: actor.userId,
          tokenDigest: digestOf(core, token),
          language,
          createdAt: now(),
        });
        await feedAudit(coalitionId, actor.userId, 'case.calendar_created', db);
      });
      return { url: `${deps.publicUrl}/api/calendar/${token}.ics` };
    },

    /** Ends this person's feed: its address answers 404 from now on. */
    async revoke(coalitionId: string, actor: CaseActor) {
      await database.transaction(async ({ db }) => {
        if (await deleteCalendarFeed(db, actor.userId))
          await feedAudit(coalitionId, actor.userId, 'case.calendar_revoked', db);
      });
    },

    /**
     * The feed at this address as iCalendar, audited as a reading by its owner; NOT_FOUND alike for
     * a malformed, unknown or revoked token, or a disabled account.
     */
    async read(file: string): Promise<string> {
      const token = file.endsWith('.ics') ? file.slice(0, -4) : '';
      if (!TOKEN.test(token)) throw unknownCalendar();
      const found = await calendarFeedByDigest(database.db, digestOf(core, token));
      if (!found || found.disabledAt) throw unknownCalendar();
      const { feed, coalitionId } = found;
      const language: Language = feed.language === 'es' ? 'es' : 'en';
      return database.transaction(async ({ db }) => {
        const list = await events(db, coalitionId, feed.userId, language);
        await feedAudit(coalitionId, feed.userId, 'case.calendar_read', db);
        await touchCalendarFeed(db, feed.userId, now());
        const { createEvents } = await loadIcs();
        const { error, value } = createEvents(list, {
          productId: 'faro/cases',
          method: 'PUBLISH',
          calName: message(language, 'caseCalendar.name'),
        });
        if (error || value === null) throw error ?? new Error('calendar not made');
        return value;
      });
    },
  };
}
export type CaseCalendar = ReturnType<typeof createCaseCalendar>;
