import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import {
  groupingPolicySchema,
  incidentDetailSchema,
  incidentListSchema,
  incidentStatusSchema,
  incidentSummarySchema,
  mergeInputSchema,
  moveInputSchema,
  noteInputSchema,
  splitInputSchema,
  statusInputSchema,
} from '../../../shared/incident.js';
import { sessionOf } from '../../http/auth.js';
import { errorSchema } from '../../http/errors.js';
import { coalitionOf } from '../coalitions/coalition-of.js';
import type { IncidentService } from './incidents.service.js';

const tags = ['incidents'];
const idParams = z.object({ id: z.uuid() });
const changed = { 200: incidentSummarySchema, 400: errorSchema, 404: errorSchema, 409: errorSchema };

/** The incident board's API: list, detail, and the dispatcher's merge, split, move, status and notes. */
export function registerIncidentRoutes(app: FastifyInstance, deps: { incidents: IncidentService }): void {
  const routes = app.withTypeProvider<ZodTypeProvider>();

  routes.get(
    '/api/incidents',
    {
      config: { access: 'incidents:read' },
      schema: {
        tags,
        summary: 'Incidents for the board, most recently active first',
        querystring: z.object({
          status: z
            .string()
            .default('open,confirmed,not_confirmed')
            .transform((value) => value.split(',').filter(Boolean))
            .pipe(z.array(incidentStatusSchema).min(1)),
          zoneId: z.uuid().optional(),
          limit: z.coerce.number().int().min(1).max(500).default(200),
        }),
        response: { 200: incidentListSchema, 400: errorSchema },
      },
    },
    async (request) =>
      deps.incidents.list((await coalitionOf(request)).id, {
        statuses: request.query.status,
        zoneId: request.query.zoneId,
        limit: request.query.limit,
      }),
  );

  routes.get(
    '/api/incidents/:id',
    {
      config: { access: 'incidents:read' },
      schema: {
        tags,
        summary: 'One incident: its reports, timeline and consolidated SALUTE view',
        params: idParams,
        response: { 200: incidentDetailSchema, 404: errorSchema },
      },
    },
    async (request) =>
      deps.incidents.detail(
        (await coalitionOf(request)).id,
        request.params.id,
        sessionOf(request).permissions,
      ),
  );

  routes.post(
    '/api/incidents/:id/merge',
    {
      config: { access: 'incidents:manage' },
      schema: {
        tags,
        summary: 'Merge other incidents into this one (their reports move here)',
        params: idParams,
        body: mergeInputSchema,
        response: changed,
      },
    },
    async (request) =>
      deps.incidents.merge(
        (await coalitionOf(request)).id,
        request.params.id,
        request.body.incidentIds,
        sessionOf(request).userId,
      ),
  );

  routes.post(
    '/api/incidents/:id/split',
    {
      config: { access: 'incidents:manage' },
      schema: {
        tags,
        summary: 'Split reports out of this incident into a new one; answers with the new incident',
        params: idParams,
        body: splitInputSchema,
        response: changed,
      },
    },
    async (request) =>
      deps.incidents.split(
        (await coalitionOf(request)).id,
        request.params.id,
        request.body.reportIds,
        sessionOf(request).userId,
      ),
  );

  routes.post(
    '/api/incidents/:id/move-in',
    {
      config: { access: 'incidents:manage' },
      schema: {
        tags,
        summary: 'Move reports from other incidents into this one, all or none; answers with this incident',
        params: idParams,
        body: moveInputSchema,
        response: changed,
      },
    },
    async (request) =>
      deps.incidents.moveReports(
        (await coalitionOf(request)).id,
        request.params.id,
        request.body.reportIds,
        sessionOf(request).userId,
      ),
  );

  routes.post(
    '/api/incidents/:id/status',
    {
      config: { access: 'incidents:manage' },
      schema: {
        tags,
        summary: 'Set the incident’s status, with an optional note for the timeline',
        params: idParams,
        body: statusInputSchema,
        response: changed,
      },
    },
    async (request) =>
      deps.incidents.setStatus(
        (await coalitionOf(request)).id,
        request.params.id,
        request.body.status,
        request.body.note,
        sessionOf(request).userId,
      ),
  );

  routes.post(
    '/api/incidents/:id/notes',
    {
      config: { access: 'incidents:manage' },
      schema: {
        tags,
        summary: 'Add a note to the incident’s timeline (restricted; deleted on the retention schedule)',
        params: idParams,
        body: noteInputSchema,
        response: { 204: z.null(), 400: errorSchema, 404: errorSchema, 409: errorSchema },
      },
    },
    async (request, reply) => {
      await deps.incidents.addNote(
        (await coalitionOf(request)).id,
        request.params.id,
        request.body.text,
        sessionOf(request).userId,
      );
      return reply.status(204).send(null);
    },
  );

  routes.post(
    '/api/incidents/:id/presence',
    {
      config: { access: 'incidents:read' },
      schema: {
        tags,
        summary: 'Heartbeat of a board with this incident open (every 15 s); answers who else has it open',
        params: idParams,
        response: { 200: z.object({ viewers: z.array(z.object({ name: z.string() })) }), 404: errorSchema },
      },
    },
    async (request) =>
      deps.incidents.lookAt((await coalitionOf(request)).id, request.params.id, sessionOf(request).userId),
  );

  routes.delete(
    '/api/incidents/:id/presence',
    {
      config: { access: 'incidents:read' },
      schema: {
        tags,
        summary: 'The board closed this incident',
        params: idParams,
        response: { 204: z.null() },
      },
    },
    async (request, reply) => {
      await deps.incidents.lookAway(request.params.id, sessionOf(request).userId);
      return reply.status(204).send(null);
    },
  );

  routes.get(
    '/api/admin/grouping',
    {
      config: { access: 'settings:manage' },
      schema: {
        tags: ['admin'],
        summary: 'How reports are grouped into incidents (distance, time window, per activity)',
        response: { 200: groupingPolicySchema },
      },
    },
    async (request) => deps.incidents.policy((await coalitionOf(request)).id),
  );

  routes.put(
    '/api/admin/grouping',
    {
      config: { access: 'settings:manage' },
      schema: {
        tags: ['admin'],
        summary: 'Change how reports are grouped into incidents; applies to reports grouped from now on',
        body: groupingPolicySchema,
        response: { 200: groupingPolicySchema, 400: errorSchema },
      },
    },
    async (request) => deps.incidents.setPolicy((await coalitionOf(request)).id, request.body),
  );
}
