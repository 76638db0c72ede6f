import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import {
  CUSTODY_STATUSES,
  caseDetailSchema,
  caseListSchema,
  caseTeamSchema,
  consentSchema,
  custodyChangeSchema,
  familyContactSchema,
  hearingSchema,
  linkSchema,
  noteSchema,
  openCaseSchema,
  personSchema,
  referralSchema,
  referralsSchema,
  taskSchema,
} from '../../../shared/cases.js';
import { LANGUAGES } from '../../../shared/report-fields.js';
import { sessionOf } from '../../http/auth.js';
import { AppError, errorSchema } from '../../http/errors.js';
import { message } from '../../locales/messages.js';
import { coalitionOf } from '../coalitions/coalition-of.js';
import type { CasesService } from './cases.module.js';
import { CaseRefused } from './cases.service.js';
import { csvDocument } from './csv.js';

const tags = ['cases'];
const errors = { 400: errorSchema, 403: errorSchema, 404: errorSchema };
const idParams = z.object({ id: z.uuid() });
const listQuery = z.object({
  status: z.enum(CUSTODY_STATUSES).optional(),
  facilityId: z.uuid().optional(),
  organizationId: z.uuid().optional(),
  hearingWithinDays: z.coerce.number().int().min(0).max(365).optional(),
  closed: z.enum(['true', 'false']).optional(),
});

/** The signed-in person as the cases service takes them. */
export const actorOf = (request: Parameters<typeof sessionOf>[0]) => {
  const session = sessionOf(request);
  return {
    userId: session.userId,
    roles: session.roles,
    permissions: session.permissions,
    tokenHash: session.tokenHash,
  };
};

/**
 * The legal team's cases. The list, search, team and opening need `cases:work` (the legal role);
 * a case's own routes need only a signed-in person, because the service decides by need to know
 * and answers 404 to anyone who may not know the case (a dispatcher, another organization's legal
 * team, a coalition admin) — a 403 would tell them it exists.
 */
export function registerCaseRoutes(app: FastifyInstance, deps: { cases: CasesService }): void {
  const routes = app.withTypeProvider<ZodTypeProvider>();
  const { cases } = deps;
  // A case asked for by someone who may not know it: they are told it does not exist; the audit
  // log is told who asked (after the request's own transaction has rolled back).
  app.addHook('onError', async (_request, _reply, error) => {
    if (error instanceof CaseRefused) await cases.recordRefusal(error);
  });

  routes.get(
    '/api/cases',
    {
      config: { access: 'cases:work' },
      schema: {
        tags,
        summary: 'The cases this person may know, filtered; counts by custody status and upcoming hearings',
        querystring: listQuery,
        response: { 200: caseListSchema, ...errors },
      },
    },
    async (request) => {
      const {
        cases: rows,
        counts,
        upcomingHearings,
      } = await cases.list((await coalitionOf(request)).id, actorOf(request), {
        ...request.query,
        closed: request.query.closed === 'true',
      });
      return { cases: rows, counts, upcomingHearings };
    },
  );

  routes.get(
    '/api/cases/export.csv',
    {
      config: { access: 'cases:work' },
      schema: {
        tags,
        summary: 'The list as CSV for the legal team (same filters; formula-safe cells; every row audited)',
        querystring: listQuery.extend({ language: z.enum(LANGUAGES).default('en') }),
      },
    },
    async (request, reply) => {
      const { language, ...filter } = request.query;
      const list = await cases.list(
        (await coalitionOf(request)).id,
        actorOf(request),
        { ...filter, closed: filter.closed === 'true' },
        'case.exported',
      );
      const column = (key: string) => message(language, `casesCsv.columns.${key}`);
      const csv = csvDocument([
        [
          'id',
          'name',
          'aNumber',
          'status',
          'facility',
          'nextHearing',
          'organization',
          'consent',
          'opened',
          'closed',
        ].map(column),
        ...list.cases.map((row) => [
          row.id,
          row.name,
          list.aNumbers[row.id] ? `A${list.aNumbers[row.id]}` : '',
          message(language, `casesCsv.status.${row.status}`),
          row.facilityName,
          row.nextHearingAt,
          row.organizationName,
          column(row.consent ? 'yes' : 'no'),
          row.openedAt,
          row.closedAt,
        ]),
      ]);
      return reply
        .header('content-type', 'text/csv; charset=utf-8')
        .header('content-disposition', 'attachment; filename="cases.csv"')
        .header('cache-control', 'no-store')
        .send(`\uFEFF${csv}`);
    },
  );

  // A POST, so that an A-number or a name never sits in a URL (a proxy's access log, a history).
  routes.post(
    '/api/cases/search',
    {
      config: { access: 'cases:work' },
      schema: {
        tags,
        summary: 'Cases found by exact A-number or by name (accents, case, spacing and order ignored)',
        body: z.object({ aNumber: z.string().max(20).optional(), name: z.string().max(200).optional() }),
        response: { 200: caseListSchema, ...errors },
      },
    },
    async (request) => cases.search((await coalitionOf(request)).id, actorOf(request), request.body),
  );

  routes.get(
    '/api/cases/team',
    {
      config: { access: 'cases:work' },
      schema: {
        tags,
        summary: 'The team’s organizations and people, the member organizations, the facility list',
        response: { 200: caseTeamSchema },
      },
    },
    async (request) => cases.team((await coalitionOf(request)).id, actorOf(request)),
  );

  routes.get(
    '/api/cases/referrals',
    {
      config: { access: 'cases:work' },
      schema: {
        tags,
        summary: 'The referrals this person’s organizations sent: all they keep of a referred case',
        response: { 200: referralsSchema },
      },
    },
    async (request) => cases.referrals((await coalitionOf(request)).id, actorOf(request)),
  );

  routes.post(
    '/api/cases',
    {
      config: { access: 'cases:work' },
      schema: {
        tags,
        summary:
          'Open a case (from an incident or a call) for one of the person’s legal teams; without consent only a name and a contact',
        body: openCaseSchema,
        response: { 201: z.object({ id: z.uuid() }), ...errors },
      },
    },
    async (request, reply) =>
      reply
        .status(201)
        .send(await cases.open((await coalitionOf(request)).id, actorOf(request), request.body)),
  );

  routes.get(
    '/api/cases/:id',
    {
      config: { access: 'signed-in' },
      schema: {
        tags,
        summary: 'A case (audited)',
        params: idParams,
        response: { 200: caseDetailSchema, ...errors },
      },
    },
    async (request) => cases.detail((await coalitionOf(request)).id, actorOf(request), request.params.id),
  );

  /** A change to a case: its body schema, and the service call. */
  const change = <S extends z.ZodType>(
    path: string,
    summary: string,
    body: S,
    apply: (
      coalitionId: string,
      actor: ReturnType<typeof actorOf>,
      id: string,
      body: z.infer<S>,
    ) => Promise<unknown>,
    response: z.ZodType = caseDetailSchema,
  ) =>
    routes.post(
      `/api/cases/:id/${path}`,
      {
        config: { access: 'signed-in' },
        schema: { tags, summary, params: idParams, body, response: { 200: response, ...errors } },
      },
      async (request) =>
        apply(
          (await coalitionOf(request)).id,
          actorOf(request),
          request.params.id,
          request.body as z.infer<S>,
        ),
    );

  change(
    'person',
    'Change the person’s details (beyond name and contact only with consent)',
    personSchema.partial(),
    (c, a, id, body) => cases.updatePerson(c, a, id, body),
  );
  change('consent', 'Record consent: who gave it, how, when', consentSchema, (c, a, id, body) =>
    cases.recordConsent(c, a, id, body),
  );
  change('custody', 'A change of custody status or facility', custodyChangeSchema, (c, a, id, body) =>
    cases.changeCustody(c, a, id, body),
  );
  change('hearings', 'Add a hearing', hearingSchema, (c, a, id, body) => cases.addHearing(c, a, id, body));
  change('contacts', 'Add a family contact', familyContactSchema, (c, a, id, body) =>
    cases.addContact(c, a, id, body),
  );
  change('tasks', 'Add a task', taskSchema, (c, a, id, body) => cases.addTask(c, a, id, body));
  change('notes', 'Add a note', noteSchema, (c, a, id, body) => cases.addNote(c, a, id, body.text));
  change('links', 'Link an incident or an evidence item', linkSchema, (c, a, id, body) =>
    cases.addLink(c, a, id, body),
  );
  change(
    'members',
    'Add someone to the case (the holding team)',
    z.object({ userId: z.uuid() }),
    (c, a, id, body) => cases.addMember(c, a, id, body.userId),
  );
  routes.delete(
    '/api/cases/:id/members/:userId',
    {
      config: { access: 'signed-in' },
      schema: {
        tags,
        summary: 'Take someone the holding team added off the case',
        params: z.object({ id: z.uuid(), userId: z.uuid() }),
        response: { 200: caseDetailSchema, ...errors },
      },
    },
    async (request) =>
      cases.removeMember(
        (await coalitionOf(request)).id,
        actorOf(request),
        request.params.id,
        request.params.userId,
      ),
  );
  change(
    'attorney',
    'Assign the attorney (the holding team)',
    z.object({ attorneyId: z.uuid().nullable() }),
    (c, a, id, body) => cases.assignAttorney(c, a, id, body.attorneyId),
  );
  change(
    'referral',
    'Refer the case to another member organization’s legal team: it moves; the sender keeps the referral record',
    referralSchema,
    (c, a, id, body) => cases.refer(c, a, id, body),
    z.object({ referred: z.literal(true) }),
  );
  change(
    'closing',
    'Close or reopen the case; a hold keeps a closed case past its retention (the holding team)',
    z.object({ closed: z.boolean(), hold: z.boolean().optional() }),
    (c, a, id, body) => cases.setClosed(c, a, id, body),
  );

  routes.post(
    '/api/cases/:id/tasks/:taskId/done',
    {
      config: { access: 'signed-in' },
      schema: {
        tags,
        summary: 'Mark a task done or not done',
        params: z.object({ id: z.uuid(), taskId: z.uuid() }),
        body: z.object({ done: z.boolean() }),
        response: { 200: caseDetailSchema, ...errors },
      },
    },
    async (request) =>
      cases.setTaskDone(
        (await coalitionOf(request)).id,
        actorOf(request),
        request.params.id,
        request.params.taskId,
        request.body.done,
      ),
  );

  routes.post(
    '/api/admin/case-facilities',
    {
      config: { access: 'settings:manage' },
      schema: {
        tags,
        summary: 'Add a detention facility to the list cases pick from',
        body: z.object({ name: z.string().trim().min(1).max(200) }),
        response: { 201: z.object({ id: z.uuid(), name: z.string() }), ...errors },
      },
    },
    async (request, reply) => {
      const session = sessionOf(request);
      if (!session.permissions.includes('settings:manage')) throw new AppError('FORBIDDEN', 'Not allowed.');
      return reply
        .status(201)
        .send(await cases.addFacility((await coalitionOf(request)).id, session.userId, request.body.name));
    },
  );
}
