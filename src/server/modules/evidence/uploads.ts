import { AsyncLocalStorage } from 'node:async_hooks';
import { randomUUID } from 'node:crypto';
import type { Readable } from 'node:stream';
import { Server } from '@tus/server';
import { DataStore, ERRORS, Upload } from '@tus/utils';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { EVIDENCE_KINDS, type EvidenceKind } from '../../../shared/evidence.js';
import { sessionOf } from '../../http/auth.js';
import { AppError, errorBody, STATUS_BY_CODE, toAppError } from '../../http/errors.js';
import { coalitionOf } from '../coalitions/coalition-of.js';
import { type Actor, EVIDENCE_MAX_BYTES, type EvidenceService } from './evidence.service.js';

/**
 * Resumable upload of a file already on the phone (a camera roll's 1–2 GB
 * video) with the tus 1.0 protocol: a dropped connection or a reload goes on
 * from the last byte the server holds. The store is Faro's own: it writes
 * through the evidence service, which seals each chunk as it arrives (nothing
 * is written in clear, nothing held whole in memory). Who is asking comes
 * from the signed-in session of the request, carried to the store in an
 * async context — never from upload metadata a client could write.
 */

export const UPLOADS_PATH = '/api/evidence/uploads';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[1-8][0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/i;

interface Caller {
  coalitionId: string;
  actor: Actor;
  /** Why the store refused the bytes: tus reports a refusal mid-stream as an abort, this says why. */
  refusal?: { status_code: number; body: string };
}
const caller = new AsyncLocalStorage<Caller>();
const current = (): Caller => {
  const found = caller.getStore();
  if (!found) throw ERRORS.FILE_NOT_FOUND;
  return found;
};

/**
 * An AppError in tus's error shape (its body the usual JSON error), kept an Error: a stream
 * pipeline that fails with anything else reports an abort instead.
 */
const asTus = (error: unknown) =>
  error instanceof AppError
    ? Object.assign(new Error(error.message), {
        status_code: STATUS_BY_CODE[error.code],
        body: JSON.stringify(errorBody(error.code, error.message, error.details)),
      })
    : error;

class EvidenceUploadStore extends DataStore {
  constructor(private readonly evidence: EvidenceService) {
    super();
    this.extensions = ['creation', 'termination'];
  }

  override async create(upload: Upload): Promise<Upload> {
    const { coalitionId, actor } = current();
    const metadata = upload.metadata ?? {};
    const kind = metadata.kind as EvidenceKind;
    if (!(EVIDENCE_KINDS as readonly string[]).includes(kind) || kind === 'note')
      throw asTus(new AppError('VALIDATION', 'Say what the file is: kind video, audio or photo.'));
    // Checked here, not by the database: a query refused for its input is an error on Faro's side.
    if (!UUID.test(metadata.incidentId ?? ''))
      throw asTus(new AppError('VALIDATION', 'Say which incident the file is of: incidentId.'));
    if (upload.size === undefined)
      throw asTus(new AppError('VALIDATION', 'An evidence upload announces its length (Upload-Length).'));
    try {
      await this.evidence.startUpload(coalitionId, actor, {
        id: upload.id,
        incidentId: metadata.incidentId ?? '',
        kind,
        contentType: metadata.filetype ?? '',
        expectedBytes: upload.size,
        clientSha256: /^[0-9a-f]{64}$/i.test(metadata.sha256 ?? '')
          ? (metadata.sha256 ?? undefined)
          : undefined,
      });
    } catch (error) {
      throw asTus(error);
    }
    return upload;
  }

  override async getUpload(id: string): Promise<Upload> {
    const { coalitionId, actor } = current();
    try {
      const state = await this.evidence.uploadState(coalitionId, actor, id);
      return new Upload({
        id,
        size: state.expectedBytes,
        offset: state.bytes,
        metadata: { filetype: state.contentType },
        creation_date: state.receivedAt.toISOString(),
      });
    } catch (error) {
      // Not this person's, or none: the same answer.
      if (error instanceof AppError && error.code === 'NOT_FOUND') throw ERRORS.FILE_NOT_FOUND;
      throw asTus(error);
    }
  }

  override async write(stream: Readable, id: string, offset: number): Promise<number> {
    const { coalitionId, actor } = current();
    try {
      return await this.evidence.appendUpload(coalitionId, actor, id, offset, stream);
    } catch (error) {
      const refusal = asTus(error);
      if (error instanceof AppError) current().refusal = refusal as Caller['refusal'];
      throw refusal;
    }
  }

  override async remove(): Promise<void> {
    // Evidence is never removed by its uploader: what reached the server stays, with its custody log.
    throw asTus(
      new AppError('FORBIDDEN', 'Evidence that reached the server is kept; the legal team decides.'),
    );
  }
}

export function registerUploadRoutes(app: FastifyInstance, deps: { evidence: EvidenceService }): void {
  const tus = new Server({
    path: UPLOADS_PATH,
    datastore: new EvidenceUploadStore(deps.evidence),
    relativeLocation: true,
    // Faro's own host and scheme: a client's forwarding headers do not choose them.
    respectForwardedHeaders: false,
    // A phone may name the upload (so that it can be found again after a reload); else a fresh id.
    namingFunction: (_req, metadata) =>
      UUID.test(metadata?.id ?? '') ? (metadata?.id as string) : randomUUID(),
    allowedHeaders: ['x-csrf-token'],
    onResponseError: (_req, error) => {
      const refusal = caller.getStore()?.refusal;
      if (refusal) return refusal;
      // tus's own answers, and Faro's refusals (asTus), as they are.
      if (!(error instanceof Error) || 'status_code' in error) return undefined;
      // Anything else failed on Faro's side: logged, and answered as every route answers it. Never
      // with the error's own text (tus's default), which may hold a query and what a client sent in it.
      app.log.error({ err: error }, 'upload failed');
      const failure = toAppError(error);
      return {
        status_code: STATUS_BY_CODE[failure.code],
        body: JSON.stringify(errorBody(failure.code, failure.message, failure.details)),
      };
    },
    // Checked as the body streams too: nothing past the announced length is read.
    maxSize: Math.max(...Object.values(EVIDENCE_MAX_BYTES)),
  });

  const handle = async (request: FastifyRequest, reply: import('fastify').FastifyReply) => {
    const session = sessionOf(request);
    const coalitionId = (await coalitionOf(request)).id;
    const actor: Actor = {
      userId: session.userId,
      roles: session.roles,
      permissions: session.permissions,
      tokenHash: session.tokenHash,
    };
    reply.hijack();
    await caller.run({ coalitionId, actor }, () => tus.handle(request.raw, reply.raw));
  };

  app.register(async (scope) => {
    // The body is read by tus, as it arrives: Fastify must not parse it.
    scope.addContentTypeParser('application/offset+octet-stream', (_request, _payload, done) => done(null));
    const config = { access: 'evidence:record' as const };
    const schema = { tags: ['evidence'], hide: false };
    scope.post(
      UPLOADS_PATH,
      { config, schema: { ...schema, summary: 'Start a resumable upload (tus 1.0 creation)' } },
      handle,
    );
    for (const method of ['HEAD', 'PATCH', 'DELETE'] as const)
      scope.route({
        method,
        url: `${UPLOADS_PATH}/:id`,
        config,
        schema: { ...schema, summary: `tus 1.0 ${method}: where the upload stands / its next bytes` },
        handler: handle,
      });
  });
}
