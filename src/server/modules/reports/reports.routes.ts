import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import {
  receiptStatusSchema,
  reportCreatedSchema,
  reportInputSchema,
  reportListSchema,
  reportSummarySchema,
} from '../../../shared/report.js';
import { sessionOf } from '../../http/auth.js';
import { errorSchema } from '../../http/errors.js';
import type { ReportService } from './reports.service.js';

/** A report is a few kilobytes of text; anything far larger is a mistake or an attack. */
export const REPORT_BODY_LIMIT = 64 * 1024;

export function registerReportRoutes(
  app: FastifyInstance,
  deps: { reports: ReportService; rateLimits: { reportsPerMinute: number; lookupsPerMinute: number } },
): void {
  const routes = app.withTypeProvider<ZodTypeProvider>();

  routes.post(
    '/api/reports',
    {
      bodyLimit: REPORT_BODY_LIMIT,
      config: { access: 'public', rateLimit: { max: deps.rateLimits.reportsPerMinute, timeWindow: 60_000 } },
      schema: {
        tags: ['reports'],
        summary: 'Report enforcement activity (anonymous)',
        description: 'Answers only after the report is stored. Keep the receipt code to check its status.',
        body: reportInputSchema,
        response: { 201: reportCreatedSchema, 400: errorSchema, 413: errorSchema, 429: errorSchema },
      },
    },
    async (request, reply) => {
      const created = await deps.reports.create(request.body, 'web');
      return reply.status(201).send(created);
    },
  );

  routes.get(
    '/api/reports/receipt/:code',
    {
      config: { access: 'public', rateLimit: { max: deps.rateLimits.lookupsPerMinute, timeWindow: 60_000 } },
      schema: {
        tags: ['reports'],
        summary: 'Status of a report, by its receipt code',
        params: z.object({ code: z.string().max(32) }),
        response: { 200: receiptStatusSchema, 400: errorSchema, 404: errorSchema },
      },
    },
    async (request) => deps.reports.statusByReceipt(request.params.code),
  );

  routes.get(
    '/api/reports',
    {
      config: { access: 'reports:read' },
      schema: {
        tags: ['reports'],
        summary: 'Reports for the dispatch board, newest first',
        querystring: z.object({
          limit: z.coerce.number().int().min(1).max(200).default(50),
          cursor: z.string().max(200).optional(),
        }),
        response: { 200: reportListSchema },
      },
    },
    async (request) => deps.reports.list(request.query, sessionOf(request).permissions),
  );

  routes.get(
    '/api/reports/:id',
    {
      config: { access: 'reports:read' },
      schema: {
        tags: ['reports'],
        summary: 'One report; its exact position only for roles allowed to see it',
        params: z.object({ id: z.uuid() }),
        response: {
          200: z.object({
            report: reportSummarySchema,
            exactLocation: z.object({ lat: z.number(), lng: z.number() }).nullable(),
          }),
          404: errorSchema,
        },
      },
    },
    async (request) => deps.reports.detail(request.params.id, sessionOf(request).permissions),
  );
}
