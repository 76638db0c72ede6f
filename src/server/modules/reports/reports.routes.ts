import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { toE164 } from '../../../shared/phone.js';
import {
  hotlineInputSchema,
  PHOTO_TYPES,
  receiptStatusSchema,
  reportCreatedSchema,
  reportInputSchema,
  reportSummarySchema,
} from '../../../shared/report.js';
import { sessionOf } from '../../http/auth.js';
import { AppError, errorSchema } from '../../http/errors.js';
import { PROOF_OF_WORK_HEADER, type ProofOfWork, requireProofOfWork } from '../../http/proof-of-work.js';
import { coalitionOf } from '../coalitions/coalition-of.js';
import type { PhotoService } from './photos.js';
import type { ReportService } from './reports.service.js';

/** A report is a few kilobytes of text; anything far larger is a mistake or an attack. */
export const REPORT_BODY_LIMIT = 64 * 1024;
/** A phone's photo is a few megabytes. */
const PHOTO_BODY_LIMIT = 12 * 1024 * 1024;

/** What the hotline and the field are answered: the report's id and receipt, and whether it was stored already. */
const intakeAnswer = (created: { id: string; receipt: string; duplicate: boolean }) => ({
  id: created.id,
  receipt: created.receipt,
  ...(created.duplicate ? { duplicate: true as const } : {}),
});

export function registerReportRoutes(
  app: FastifyInstance,
  deps: {
    reports: ReportService;
    photos: PhotoService;
    proofOfWork: ProofOfWork | null;
    rateLimits: { reportsPerMinute: number; lookupsPerMinute: number };
  },
): void {
  const routes = app.withTypeProvider<ZodTypeProvider>();

  routes.get(
    '/api/reports/challenge',
    {
      config: { access: 'public', rateLimit: { max: deps.rateLimits.lookupsPerMinute, timeWindow: 60_000 } },
      schema: {
        tags: ['reports'],
        summary: 'A proof-of-work challenge (ALTCHA v2) for the public report form',
        description:
          'Solve it (count up with SHA-256 until the derived key starts with `keyPrefix`) and send ' +
          '`base64(JSON.stringify({ challenge, solution }))` in the `x-faro-pow` header of `POST /api/reports`. ' +
          '`required` is false when this server does not ask for one.',
        response: { 200: z.object({ required: z.boolean(), challenge: z.unknown().optional() }) },
      },
    },
    async (_request, reply) => {
      reply.header('cache-control', 'no-store');
      if (!deps.proofOfWork) return { required: false };
      return { required: true, challenge: await deps.proofOfWork.challenge() };
    },
  );

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
        headers: z.object({ [PROOF_OF_WORK_HEADER]: z.string().max(4096).optional() }),
        response: {
          201: reportCreatedSchema,
          400: errorSchema,
          403: errorSchema,
          413: errorSchema,
          429: errorSchema,
        },
      },
    },
    async (request, reply) => {
      await requireProofOfWork(deps.proofOfWork, request.headers[PROOF_OF_WORK_HEADER]);
      const { id, receipt, photosAttached } = await deps.reports.create(
        (await coalitionOf(request)).id,
        request.body,
        'web',
      );
      return reply
        .status(201)
        .send({ id, receipt, ...(request.body.photoIds.length > 0 ? { photosAttached } : {}) });
    },
  );

  // The code travels in the body: a path or query string is written into the
  // logs of every proxy on the way, and the code is all it takes to follow a report.
  routes.post(
    '/api/reports/receipt',
    {
      config: { access: 'public', rateLimit: { max: deps.rateLimits.lookupsPerMinute, timeWindow: 60_000 } },
      schema: {
        tags: ['reports'],
        summary: 'Status of a report, by its receipt code (sent in the body)',
        body: z.object({ code: z.string().max(32) }),
        response: { 200: receiptStatusSchema, 400: errorSchema, 404: errorSchema },
      },
    },
    async (request, reply) => {
      reply.header('cache-control', 'no-store');
      return deps.reports.statusByReceipt(request.body.code);
    },
  );

  routes.get(
    '/api/reports/receipt/:code',
    {
      config: { access: 'public', rateLimit: { max: deps.rateLimits.lookupsPerMinute, timeWindow: 60_000 } },
      schema: {
        tags: ['reports'],
        summary: 'Replaced by POST /api/reports/receipt (answers 410)',
        deprecated: true,
        params: z.object({ code: z.string().max(32) }),
        response: { 410: errorSchema },
      },
    },
    async () => {
      throw new AppError(
        'GONE',
        'Receipt codes are no longer looked up in the address, where proxies log them. ' +
          'Send POST /api/reports/receipt with {"code": "…"} in the body.',
      );
    },
  );

  routes.get(
    '/api/reports/:id',
    {
      config: { access: 'reports:read' },
      schema: {
        tags: ['reports'],
        summary: 'One report; its exact position and callback number only for roles allowed to see them',
        description:
          'The one place a report’s exact position (`reports:read-restricted`) and a hotline caller’s callback ' +
          'number (`reports:read-callback`) are read. The board lists reports through their incident.',
        params: z.object({ id: z.uuid() }),
        response: {
          200: z.object({
            report: reportSummarySchema,
            exactLocation: z.object({ lat: z.number(), lng: z.number() }).nullable(),
            /** A hotline caller's callback number, for roles allowed to see it, until it is deleted (72 h). */
            callback: z.string().nullable(),
          }),
          404: errorSchema,
        },
      },
    },
    async (request) =>
      deps.reports.detail((await coalitionOf(request)).id, request.params.id, sessionOf(request).permissions),
  );

  routes.post(
    '/api/intake/hotline',
    {
      bodyLimit: REPORT_BODY_LIMIT,
      config: { access: 'reports:intake' },
      schema: {
        tags: ['reports'],
        summary: 'A call taken on the hotline, with an optional callback number (sealed, deleted after 72 h)',
        body: hotlineInputSchema,
        response: { 201: reportCreatedSchema, 400: errorSchema },
      },
    },
    async (request, reply) => {
      const { callback, ...input } = request.body;
      // Kept as SMS senders' numbers are (E.164; the schema refused any other), so a phone can dial it.
      const phone = callback ? (toE164(callback) ?? undefined) : undefined;
      const created = await deps.reports.create((await coalitionOf(request)).id, input, 'hotline', {
        callback: phone,
      });
      return reply.status(201).send(intakeAnswer(created));
    },
  );

  routes.post(
    '/api/intake/field',
    {
      bodyLimit: REPORT_BODY_LIMIT,
      config: { access: 'reports:field' },
      schema: {
        tags: ['reports'],
        summary: 'A report filed by a responder in the field',
        body: reportInputSchema,
        response: { 201: reportCreatedSchema, 400: errorSchema },
      },
    },
    async (request, reply) => {
      const created = await deps.reports.create((await coalitionOf(request)).id, request.body, 'field');
      return reply.status(201).send(intakeAnswer(created));
    },
  );

  // Photos come as the image itself (not JSON): only this route parses image bodies.
  app.register(async (scope) => {
    scope.addContentTypeParser(
      [...PHOTO_TYPES],
      { parseAs: 'buffer', bodyLimit: PHOTO_BODY_LIMIT },
      (_request, body, done) => done(null, body),
    );
    scope.withTypeProvider<ZodTypeProvider>().post(
      '/api/reports/photos',
      {
        bodyLimit: PHOTO_BODY_LIMIT,
        config: {
          access: 'public',
          rateLimit: { max: deps.rateLimits.reportsPerMinute, timeWindow: 60_000 },
        },
        // Checked on arrival: a photo without a solved challenge is refused before its megabytes are read.
        onRequest: async (request) =>
          requireProofOfWork(deps.proofOfWork, request.headers[PROOF_OF_WORK_HEADER]),
        schema: {
          tags: ['reports'],
          summary:
            'Upload a photo for a report (the image as the body); attach it with the report’s photoIds',
          description:
            'The photo is decoded and re-encoded as a new JPEG (at most 1600 px a side): no EXIF, GPS, XMP or other ' +
            'metadata is kept. It is stored encrypted, and deleted if no report claims it within an hour. ' +
            'Like a report, each photo needs its own solved challenge in `x-faro-pow` (see `GET /api/reports/challenge`).',
          headers: z.object({ [PROOF_OF_WORK_HEADER]: z.string().max(4096).optional() }),
          response: {
            201: z.object({ id: z.uuid(), width: z.number().int(), height: z.number().int() }),
            400: errorSchema,
            403: errorSchema,
            413: errorSchema,
            415: errorSchema,
            429: errorSchema,
          },
        },
      },
      async (request, reply) => {
        const coalition = await coalitionOf(request);
        const photo = await deps.photos.accept(coalition.id, request.body as Buffer);
        return reply.status(201).send(photo);
      },
    );
  });

  routes.get(
    '/api/reports/:id/photos/:photoId',
    {
      config: { access: 'reports:read-restricted' },
      schema: {
        tags: ['reports'],
        summary: 'A photo of a report (restricted)',
        params: z.object({ id: z.uuid(), photoId: z.uuid() }),
      },
    },
    async (request, reply) => {
      const coalition = await coalitionOf(request);
      const photo = await deps.photos.read(coalition.id, request.params.id, request.params.photoId);
      return reply
        .header('cache-control', 'private, no-store')
        .type(photo.contentType)
        .send(Buffer.from(photo.data));
    },
  );
}
