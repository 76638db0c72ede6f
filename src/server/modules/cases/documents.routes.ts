import { Readable } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import {
  caseDocumentListSchema,
  caseDocumentSchema,
  DOCUMENT_MAX_BYTES,
  DOCUMENT_SHA256_HEADER,
  DOCUMENT_TITLE_HEADER,
  DOCUMENT_TITLE_MAX,
  deleteDocumentSchema,
} from '../../../shared/case-documents.js';
import { sessionOf } from '../../http/auth.js';
import { AppError, errorSchema } from '../../http/errors.js';
import { coalitionOf } from '../coalitions/coalition-of.js';
import type { CaseDocuments } from './documents.js';

const tags = ['cases'];
const errors = { 400: errorSchema, 403: errorSchema, 404: errorSchema };
const caseParams = z.object({ id: z.uuid() });
const documentParams = z.object({ id: z.uuid(), documentId: z.uuid() });
const EXTENSIONS: Record<string, string> = {
  'application/pdf': 'pdf',
  'image/jpeg': 'jpg',
  'image/png': 'png',
  'image/heic': 'heic',
  'image/heif': 'heif',
  'image/webp': 'webp',
};

const actorOf = (request: Parameters<typeof sessionOf>[0]) => {
  const session = sessionOf(request);
  return {
    userId: session.userId,
    roles: session.roles,
    permissions: session.permissions,
    tokenHash: session.tokenHash,
  };
};

const field = (name: string, message: string) =>
  new AppError('VALIDATION', message, { fields: [{ field: name, message }] });

/** The title the upload named (URI-encoded in its header: a title may be in any language). */
function titleOf(header: string | string[] | undefined): string {
  let title = '';
  try {
    title = decodeURIComponent(typeof header === 'string' ? header : '').trim();
  } catch {
    throw field('title', 'The title is not readable: send it URI-encoded.');
  }
  if (!title) throw field('title', 'Give the document a title (for example “Notice to Appear”).');
  if (title.length > DOCUMENT_TITLE_MAX)
    throw field('title', `A title has at most ${DOCUMENT_TITLE_MAX} characters.`);
  return title;
}

/** `attachment`, with the title as the file's name (ASCII for old clients, UTF-8 for the rest). */
function attachment(title: string, contentType: string): string {
  const name = `${title.replace(/[\\/:*?"<>|\p{Cc}]+/gu, ' ').trim() || 'document'}.${EXTENSIONS[contentType] ?? 'bin'}`;
  const ascii =
    name
      .normalize('NFKD')
      .replace(/[^\x20-\x7e]/g, '')
      .replace(/["\\]/g, '') || 'document';
  return `attachment; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(name)}`;
}

/**
 * A case's documents. Like a case's other routes they need only a signed-in person: the service
 * answers 404 to anyone who may not know the case, and for a document of another case.
 *
 * An upload is one streaming request (the file's bytes as the body, its type as Content-Type, its
 * length announced): at most 25 MiB, sealed a chunk at a time as it arrives and never gathered
 * whole; a cut connection keeps what arrived, listed as incomplete. Not tus (evidence/uploads.ts):
 * its uploads live under /api/evidence/uploads, which must never reach a case's document, and at
 * this size one request from a phone is what a person can retry.
 */
export function registerCaseDocumentRoutes(app: FastifyInstance, deps: { documents: CaseDocuments }): void {
  const routes = app.withTypeProvider<ZodTypeProvider>();
  const { documents } = deps;

  routes.get(
    '/api/cases/:id/documents',
    {
      config: { access: 'signed-in' },
      schema: {
        tags,
        summary:
          'A case’s documents: title, type, size, SHA-256, who added each and when (the reading audited)',
        params: caseParams,
        response: { 200: caseDocumentListSchema, ...errors },
      },
    },
    async (request) =>
      documents.listDocuments((await coalitionOf(request)).id, actorOf(request), request.params.id),
  );

  app.register(async (scope) => {
    // The body is the file, read as it streams by the service: Fastify must not parse it, whatever
    // type it claims (the service refuses every type but a document's, by its first bytes too).
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser('*', (_request, _payload, done) => done(null));
    scope.withTypeProvider<ZodTypeProvider>().post(
      '/api/cases/:id/documents',
      {
        config: { access: 'signed-in' },
        schema: {
          tags,
          summary:
            'Adds a document (PDF, JPEG, PNG, HEIC, WebP; at most 25 MiB) as the request body, its title URI-encoded in `x-document-title`, optionally its SHA-256 (hex) in `x-content-sha256`',
          params: caseParams,
          headers: z.object({
            'content-length': z.coerce.number().int().optional(),
            [DOCUMENT_SHA256_HEADER]: z
              .string()
              .regex(/^[0-9a-fA-F]{64}$/)
              .optional(),
          }),
          response: { 201: caseDocumentSchema, ...errors, 413: errorSchema, 415: errorSchema },
        },
      },
      async (request, reply) => {
        const length = request.headers['content-length'];
        if (length === undefined)
          throw new AppError('VALIDATION', 'Announce the file’s length (Content-Length).');
        if (length > DOCUMENT_MAX_BYTES)
          throw new AppError('PAYLOAD_TOO_LARGE', `A document holds at most ${DOCUMENT_MAX_BYTES} bytes.`, {
            limitBytes: DOCUMENT_MAX_BYTES,
          });
        const document = await documents.addDocument(
          (await coalitionOf(request)).id,
          actorOf(request),
          request.params.id,
          {
            title: titleOf(request.headers[DOCUMENT_TITLE_HEADER]),
            contentType: (request.headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase() ?? '',
            bytes: length,
            clientSha256: request.headers[DOCUMENT_SHA256_HEADER]?.toLowerCase(),
          },
          request.raw,
        );
        return reply.status(201).send(document);
      },
    );
  });

  routes.get(
    '/api/cases/:id/documents/:documentId',
    {
      config: { access: 'signed-in' },
      schema: {
        tags,
        summary:
          'A document, byte for byte, as an attachment (written into its custody log and the audit log)',
        params: documentParams,
      },
    },
    async (request, reply) => {
      const read = await documents.readDocument(
        (await coalitionOf(request)).id,
        actorOf(request),
        request.params.id,
        request.params.documentId,
      );
      return reply
        .header('cache-control', 'no-store')
        .header('x-content-type-options', 'nosniff')
        .header('content-length', String(read.facts.bytes))
        .header('content-disposition', attachment(read.title, read.facts.contentType))
        .type(read.facts.contentType)
        .send(Readable.from(read.stream));
    },
  );

  // The reason in the body: it is sealed, never in a URL.
  routes.delete(
    '/api/cases/:id/documents/:documentId',
    {
      config: { access: 'signed-in' },
      schema: {
        tags,
        summary:
          'Deletes a document (the legal team holding the case, with a reason): its bytes go, its custody log stays',
        params: documentParams,
        body: deleteDocumentSchema,
        response: { 200: caseDocumentListSchema, ...errors },
      },
    },
    async (request) =>
      documents.deleteDocument(
        (await coalitionOf(request)).id,
        actorOf(request),
        request.params.id,
        request.params.documentId,
        request.body.reason,
      ),
  );
}
