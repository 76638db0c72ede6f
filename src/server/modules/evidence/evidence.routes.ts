import { Readable } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { evidenceItemSchema, evidenceReceiptSchema } from '../../../shared/evidence.js';
import { sessionOf } from '../../http/auth.js';
import { AppError, errorSchema } from '../../http/errors.js';
import { coalitionOf } from '../coalitions/coalition-of.js';
import type { EvidenceService } from './evidence.service.js';
import { MAX_CHUNK_BYTES } from './sealing.js';

const tags = ['evidence'];
const errors = { 400: errorSchema, 404: errorSchema, 409: errorSchema, 413: errorSchema, 415: errorSchema };
const idParams = z.object({ id: z.uuid() });
const sha256Hex = z.string().regex(/^[0-9a-fA-F]{64}$/);

const itemSchema = evidenceItemSchema;
const progressSchema = z.object({ chunks: z.number().int(), bytes: z.number().int(), chain: z.string() });

/** The person acting, as the evidence service needs them. */
const actorOf = (request: Parameters<typeof sessionOf>[0]) => {
  const session = sessionOf(request);
  return {
    userId: session.userId,
    roles: session.roles,
    permissions: session.permissions,
    tokenHash: session.tokenHash,
  };
};

export function registerEvidenceRoutes(
  app: FastifyInstance,
  deps: { evidence: EvidenceService; retentionDays: number },
): void {
  const routes = app.withTypeProvider<ZodTypeProvider>();

  routes.get(
    '/api/evidence/policy',
    {
      config: { access: 'evidence:record' },
      schema: {
        tags,
        summary: 'How long a recording is kept (said on the recording screen)',
        response: { 200: z.object({ retentionDays: z.number().int() }) },
      },
    },
    async () => ({ retentionDays: deps.retentionDays }),
  );

  routes.post(
    '/api/incidents/:id/evidence',
    {
      config: { access: 'evidence:record' },
      schema: {
        tags,
        summary:
          'Start an evidence item sent slice by slice: a recording while it is made, or an observer’s note (text/plain, UTF-8), one entry a slice',
        params: idParams,
        body: z.object({
          /** The phone's id for the recording: a start sent again (or late, after recording offline) makes one item. */
          id: z.uuid().optional(),
          kind: z.enum(['video', 'audio', 'note']),
          contentType: z.string().max(100),
          deviceStartedAt: z.iso.datetime({ offset: true }).optional(),
        }),
        response: { 200: itemSchema, 201: itemSchema, ...errors },
      },
    },
    async (request, reply) => {
      const { item, created } = await deps.evidence.start((await coalitionOf(request)).id, actorOf(request), {
        id: request.body.id,
        incidentId: request.params.id,
        kind: request.body.kind,
        source: request.body.kind === 'note' ? 'note' : 'recording',
        contentType: request.body.contentType.split(';')[0]?.trim() ?? '',
        deviceStartedAt: request.body.deviceStartedAt,
      });
      return reply.status(created ? 201 : 200).send(item);
    },
  );

  // A slice comes as its bytes: only this route parses binary bodies.
  app.register(async (scope) => {
    scope.addContentTypeParser(
      'application/octet-stream',
      { parseAs: 'buffer', bodyLimit: MAX_CHUNK_BYTES },
      (_request, body, done) => done(null, body),
    );
    scope.withTypeProvider<ZodTypeProvider>().put(
      '/api/evidence/:id/slices/:seq',
      {
        bodyLimit: MAX_CHUNK_BYTES,
        config: { access: 'evidence:record' },
        schema: {
          tags,
          summary:
            'One slice of the recorder’s own recording or note (an entry: UTF-8 text), in order (1, 2, 3…); the same slice again is taken once. `x-content-sha256` (hex) is checked when sent',
          params: z.object({ id: z.uuid(), seq: z.coerce.number().int().min(1).max(10_000_000) }),
          headers: z.object({ 'x-content-sha256': sha256Hex.optional() }),
          response: { 200: progressSchema, ...errors },
        },
      },
      async (request) => {
        if (!Buffer.isBuffer(request.body))
          throw new AppError('UNSUPPORTED_MEDIA_TYPE', 'A slice is sent as application/octet-stream.');
        return deps.evidence.appendSlice(
          (await coalitionOf(request)).id,
          actorOf(request),
          request.params.id,
          request.params.seq,
          request.body,
          request.headers['x-content-sha256'],
        );
      },
    );
  });

  routes.post(
    '/api/evidence/:id/finish',
    {
      config: { access: 'evidence:record' },
      schema: {
        tags,
        summary:
          'The recording or note ended with this many slices: sealed as complete, hashed from what is stored',
        params: idParams,
        body: z.object({
          chunks: z.number().int().min(1),
          sha256: sha256Hex.optional(),
          durationMs: z
            .number()
            .int()
            .min(0)
            .max(24 * 3600 * 1000)
            .optional(),
        }),
        response: { 200: itemSchema, ...errors },
      },
    },
    async (request) =>
      deps.evidence.finish(
        (await coalitionOf(request)).id,
        actorOf(request),
        request.params.id,
        request.body,
      ),
  );

  routes.get(
    '/api/incidents/:id/evidence',
    {
      // The service answers each person with what they may know of: the legal team and dispatchers
      // every item, a recorder their own, anyone else nothing.
      config: { access: 'signed-in' },
      schema: {
        tags,
        summary: 'The evidence items of an incident this person may know of',
        params: idParams,
        response: { 200: z.object({ items: z.array(itemSchema) }) },
      },
    },
    async (request) => ({
      items: await deps.evidence.list((await coalitionOf(request)).id, actorOf(request), request.params.id),
    }),
  );

  routes.get(
    '/api/evidence',
    {
      config: { access: 'signed-in' },
      schema: {
        tags,
        summary: 'The latest evidence items this person may know of, newest first (at most 200)',
        response: { 200: z.object({ items: z.array(itemSchema) }) },
      },
    },
    async (request) => ({
      items: await deps.evidence.recent((await coalitionOf(request)).id, actorOf(request)),
    }),
  );

  routes.get(
    '/api/evidence/:id',
    {
      config: { access: 'signed-in' },
      schema: {
        tags,
        summary: 'An evidence item’s facts',
        params: idParams,
        response: { 200: itemSchema, 404: errorSchema },
      },
    },
    async (request) =>
      deps.evidence.facts((await coalitionOf(request)).id, actorOf(request), request.params.id),
  );

  routes.get(
    '/api/evidence/:id/original',
    {
      config: { access: 'evidence:legal' },
      schema: {
        tags,
        summary: 'The original, byte for byte (legal team); written into its custody log and the audit log',
        params: idParams,
        querystring: z.object({ download: z.enum(['1']).optional() }),
      },
    },
    async (request, reply) => {
      const download = request.query.download === '1';
      const original = await deps.evidence.original(
        (await coalitionOf(request)).id,
        actorOf(request),
        request.params.id,
        download ? 'downloaded' : 'viewed',
      );
      return (
        reply
          .header('cache-control', 'private, no-store')
          .header('content-length', String(original.bytes))
          .header(
            'content-disposition',
            download ? `attachment; filename="evidence-${request.params.id}"` : 'inline',
          )
          .header('x-content-type-options', 'nosniff')
          // A note is UTF-8 by rule (notes.ts): said, so that a browser opening it shows it as written.
          .type(original.contentType === 'text/plain' ? 'text/plain; charset=utf-8' : original.contentType)
          .send(Readable.from(original.stream))
      );
    },
  );

  routes.get(
    '/api/evidence/:id/working-copy',
    {
      // Whoever may know the item exists (legal team, dispatchers, its recorder); anyone else: 404.
      config: { access: 'signed-in' },
      schema: {
        tags,
        summary:
          'A photo’s working copy: a new JPEG of its pixels only (no EXIF, GPS, serials or times), upright, ' +
          'at most 1600 px a side. Every showing is audited; the original stays with the legal team',
        params: idParams,
      },
    },
    async (request, reply) => {
      const copy = await deps.evidence.workingCopy(
        (await coalitionOf(request)).id,
        actorOf(request),
        request.params.id,
      );
      return reply
        .header('cache-control', 'private, no-store')
        .header('x-content-type-options', 'nosniff')
        .header('content-disposition', `inline; filename="evidence-${request.params.id}-copy.jpg"`)
        .type(copy.contentType)
        .send(copy.data);
    },
  );

  routes.get(
    '/api/evidence/:id/chunks',
    {
      config: { access: 'evidence:legal' },
      schema: {
        tags,
        summary:
          'Each chunk as the server received it — a note’s entry, a recording’s slice: its place, length, SHA-256 and time of receipt; never its bytes (legal team)',
        params: idParams,
        response: { 200: z.object({ chunks: z.array(evidenceReceiptSchema) }), 404: errorSchema },
      },
    },
    async (request) => ({
      chunks: await deps.evidence.receipts(
        (await coalitionOf(request)).id,
        actorOf(request),
        request.params.id,
      ),
    }),
  );

  routes.get(
    '/api/evidence/:id/custody',
    {
      config: { access: 'evidence:legal' },
      schema: {
        tags,
        summary: 'The chain of custody and whether it holds (legal team; audited)',
        params: idParams,
      },
    },
    async (request) =>
      deps.evidence.custody((await coalitionOf(request)).id, actorOf(request), request.params.id),
  );

  const holdBody = z.object({ reason: z.string().trim().min(3).max(500) });
  // Placed with PUT, lifted with DELETE; either way with a reason, kept (sealed) in the custody log.
  for (const [method, set, summary] of [
    ['PUT', true, 'Place a legal hold: the original is kept past its retention until the hold is lifted'],
    ['DELETE', false, 'Lift a legal hold (the reason is kept in the custody log)'],
  ] as const) {
    routes.route({
      method,
      url: '/api/evidence/:id/hold',
      config: { access: 'evidence:legal' },
      schema: { tags, summary, params: idParams, body: holdBody, response: { 200: itemSchema, ...errors } },
      handler: async (request) =>
        deps.evidence.hold(
          (await coalitionOf(request)).id,
          actorOf(request),
          request.params.id,
          set,
          request.body.reason,
        ),
    });
  }

  routes.get(
    '/api/evidence/:id/verify',
    {
      config: { access: 'evidence:legal' },
      schema: {
        tags,
        summary: 'Checks every seal, hash and link, the whole hash and the custody log',
        params: idParams,
      },
    },
    async (request) => deps.evidence.verify((await coalitionOf(request)).id, request.params.id),
  );
}
