import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import {
  calendarFeedCreatedSchema,
  calendarFeedRequestSchema,
  calendarFeedSchema,
  contactRemindersSchema,
  hearingChangeSchema,
} from '../../../shared/case-calendar.js';
import { caseDetailSchema } from '../../../shared/cases.js';
import { errorSchema } from '../../http/errors.js';
import { coalitionOf } from '../coalitions/coalition-of.js';
import type { CaseCalendar } from './calendar.js';
import { actorOf } from './cases.routes.js';
import type { createScheduleWork } from './schedule-work.js';

const tags = ['cases'];
const errors = { 400: errorSchema, 403: errorSchema, 404: errorSchema };

/**
 * A case's schedule (a hearing moved, a contact's text reminders) and each person's calendar feed.
 * A case's routes need a signed-in person and answer 404 to whoever may not know the case, as the
 * other case routes; the feed's own settings are the legal team's (`cases:work`); the feed itself
 * is public, found by its secret address alone, rate-limited per client, and answers the same 404
 * to an unknown, malformed or revoked address.
 */
export function registerScheduleRoutes(
  app: FastifyInstance,
  deps: {
    schedule: ReturnType<typeof createScheduleWork>;
    calendar: CaseCalendar;
    readsPerMinute: number;
  },
): void {
  const routes = app.withTypeProvider<ZodTypeProvider>();
  const { schedule, calendar } = deps;

  routes.post(
    '/api/cases/:id/hearings/:hearingId',
    {
      config: { access: 'signed-in' },
      schema: {
        tags,
        summary: 'Move or correct a hearing (a new time is reminded again)',
        params: z.object({ id: z.uuid(), hearingId: z.uuid() }),
        body: hearingChangeSchema,
        response: { 200: caseDetailSchema, ...errors },
      },
    },
    async (request) =>
      schedule.changeHearing(
        (await coalitionOf(request)).id,
        actorOf(request),
        request.params.id,
        request.params.hearingId,
        request.body,
      ),
  );

  routes.post(
    '/api/cases/:id/contacts/:contactId/reminders',
    {
      config: { access: 'signed-in' },
      schema: {
        tags,
        summary: 'Whether a family contact wants hearing reminders by text',
        params: z.object({ id: z.uuid(), contactId: z.uuid() }),
        body: contactRemindersSchema,
        response: { 200: caseDetailSchema, ...errors },
      },
    },
    async (request) =>
      schedule.setContactReminders(
        (await coalitionOf(request)).id,
        actorOf(request),
        request.params.id,
        request.params.contactId,
        request.body.textReminders,
      ),
  );

  routes.get(
    '/api/cases/calendar',
    {
      config: { access: 'cases:work' },
      schema: {
        tags,
        summary: 'Whether I have a calendar feed of hearings and tasks, since when, last fetched',
        response: { 200: calendarFeedSchema, ...errors },
      },
    },
    async (request) => calendar.feed(actorOf(request)),
  );

  routes.post(
    '/api/cases/calendar',
    {
      config: { access: 'cases:work' },
      schema: {
        tags,
        summary: 'A new secret address for my calendar feed, replacing any before it (shown once)',
        body: calendarFeedRequestSchema,
        response: { 201: calendarFeedCreatedSchema, ...errors },
      },
    },
    async (request, reply) =>
      reply
        .status(201)
        .send(
          await calendar.create((await coalitionOf(request)).id, actorOf(request), request.body.language),
        ),
  );

  routes.delete(
    '/api/cases/calendar',
    {
      config: { access: 'cases:work' },
      schema: { tags, summary: 'Revoke my calendar feed’s address', response: { 204: z.null(), ...errors } },
    },
    async (request, reply) => {
      await calendar.revoke((await coalitionOf(request)).id, actorOf(request));
      return reply.status(204).send(null);
    },
  );

  routes.get(
    '/api/calendar/:file',
    {
      config: { access: 'public', rateLimit: { max: deps.readsPerMinute, timeWindow: 60_000 } },
      schema: {
        tags,
        summary: 'A person’s calendar of hearings and task due dates (iCalendar), at its secret address',
        params: z.object({ file: z.string().max(100) }),
      },
    },
    async (request, reply) => {
      const body = await calendar.read(request.params.file);
      return reply
        .header('content-type', 'text/calendar; charset=utf-8')
        .header('cache-control', 'private, no-store')
        .header('referrer-policy', 'no-referrer')
        .send(body);
    },
  );
}
