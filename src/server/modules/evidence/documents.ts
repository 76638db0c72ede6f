import { randomUUID } from 'node:crypto';
import { DOCUMENT_MAX_BYTES, DOCUMENT_TYPES } from '../../../shared/case-documents.js';
import type { Drizzle } from '../../db/database.js';
import { AppError } from '../../http/errors.js';
import { documentsOfCase, findDocument, type StoredItemRow, updateItem } from './evidence.repo.js';
import type { Actor } from './evidence.service.js';
import { hex, type Items } from './items.js';
import { bytesAre } from './media-type.js';

/** What another module is told of a document it owns. */
export interface DocumentFacts {
  id: string;
  contentType: string;
  bytes: number;
  expectedBytes: number;
  complete: boolean;
  sha256: string | null;
  receivedAt: Date;
}

export interface StoreDocumentInput {
  caseId: string;
  contentType: string;
  /** The length the request announced: refused above DOCUMENT_MAX_BYTES before anything is kept. */
  bytes: number;
  /** The SHA-256 the sender computed (hex), compared with ours in the custody log. */
  clientSha256?: string | undefined;
}

/** A bad type, named so a person knows what to send instead. */
const wrongType = (declared: string) =>
  new AppError(
    'UNSUPPORTED_MEDIA_TYPE',
    `A document is a PDF or a photo (JPEG, PNG, HEIC, WebP)${declared ? `, not ${declared}` : ': say which (Content-Type)'}.`,
    { types: [...DOCUMENT_TYPES] },
  );
/** Bytes enough to tell every document type apart (media-type.ts). */
const HEAD_BYTES = 16;

/**
 * A legal case's documents, kept as evidence items owned by the case: sealed, chunked, hashed and
 * chained, with a custody log, by the same code as an incident's originals (items.ts,
 * file-upload.ts). Only the cases module calls this, after it has decided the person may know the
 * case: nothing here asks who may — the evidence routes never reach these items (evidence.repo.ts
 * `ofAnIncident`), and these calls reach only the items of the case they are given.
 */
export function createDocuments(
  items: Items,
  appendTo: (
    coalitionId: string,
    actor: Actor,
    item: StoredItemRow,
    offset: number,
    stream: AsyncIterable<Uint8Array>,
  ) => Promise<number>,
) {
  const { database, now, box } = items;
  const factsOf = (item: StoredItemRow): DocumentFacts => ({
    id: item.id,
    contentType: item.contentType,
    bytes: item.bytes,
    expectedBytes: item.expectedBytes ?? item.bytes,
    complete: item.state === 'complete',
    sha256: hex(item.sha256),
    receivedAt: item.receivedAt,
  });
  const reasonContext = (itemId: string) => `evidence-document-deletion:${itemId}`;

  /** Deletes a document's bytes, keeping its facts and custody log (with the deletion in it). */
  async function deleteIn(db: Drizzle, item: StoredItemRow, actor: Actor | null, reason: string, at: Date) {
    await items.store.remove(db, item.id);
    await updateItem(db, item.id, { deletedAt: at });
    await items.appendCustody(
      db,
      item.id,
      actor,
      'deleted',
      // The reason may name the person: sealed (the custody hash covers the sealed text).
      { reason: actor ? box.seal(reason, reasonContext(item.id)) : reason },
      at,
    );
  }

  return {
    /**
     * Stores a document of a case from a stream, sealed as it arrives (never gathered whole, never
     * in clear). Refused before anything is kept when it is too large or not what it says it is
     * (its first bytes decide). `attach` runs once the item exists, before its bytes are stored (the
     * case records it then, so that what arrived is kept and listed even if the stream is cut).
     */
    async storeDocument(
      coalitionId: string,
      actor: Actor,
      input: StoreDocumentInput,
      stream: AsyncIterable<Uint8Array>,
      attach: (itemId: string) => Promise<void>,
    ): Promise<DocumentFacts> {
      if (!(DOCUMENT_TYPES as readonly string[]).includes(input.contentType))
        throw wrongType(input.contentType);
      if (input.bytes <= 0)
        throw new AppError('VALIDATION', 'The file is empty.', {
          fields: [{ field: 'file', message: 'The file is empty.' }],
        });
      if (input.bytes > DOCUMENT_MAX_BYTES)
        throw new AppError('PAYLOAD_TOO_LARGE', `A document holds at most ${DOCUMENT_MAX_BYTES} bytes.`, {
          limitBytes: DOCUMENT_MAX_BYTES,
        });
      // The first bytes, read before anything is kept: a file that is not what it says leaves nothing.
      const iterator = stream[Symbol.asyncIterator]();
      const pieces: Uint8Array[] = [];
      let headLength = 0;
      let ended = false;
      while (headLength < HEAD_BYTES) {
        const next = await iterator.next();
        if (next.done) {
          ended = true;
          break;
        }
        pieces.push(next.value);
        headLength += next.value.length;
      }
      const head = Buffer.concat(pieces);
      if (head.length === 0) throw new AppError('VALIDATION', 'The file is empty.');
      if (!bytesAre(head.subarray(0, HEAD_BYTES), input.contentType)) throw wrongType(input.contentType);
      const id = randomUUID();
      const at = now();
      await database.transaction(({ db }) =>
        items.createItem(
          db,
          coalitionId,
          actor,
          {
            id,
            incidentId: null,
            caseId: input.caseId,
            assignmentId: null,
            kind: 'document',
            source: 'upload',
            contentType: input.contentType,
            expectedBytes: input.bytes,
            clientSha256: input.clientSha256,
          },
          at,
        ),
      );
      await attach(id);
      const whole = (async function* () {
        yield* pieces;
        if (ended) return;
        for (;;) {
          const next = await iterator.next();
          if (next.done) return;
          yield next.value;
        }
      })();
      const item = await findDocument(database.db, coalitionId, input.caseId, id);
      if (!item) throw new Error('the document vanished');
      await appendTo(coalitionId, actor, item, 0, whole);
      const stored = await findDocument(database.db, coalitionId, input.caseId, id);
      if (!stored) throw new Error('the document vanished');
      return factsOf(stored);
    },

    /** The facts of a case's documents still kept. */
    async documentFacts(db: Drizzle, coalitionId: string, caseId: string): Promise<DocumentFacts[]> {
      return (await documentsOfCase(db, coalitionId, caseId)).map(factsOf);
    },

    /**
     * A document's bytes as a stream, chunk by chunk, every seal, hash and link checked as it is
     * read; the download written into its custody log first (in `db`, the caller's transaction,
     * with the caller's audit row). Only a whole document is given out.
     */
    async readDocumentIn(db: Drizzle, coalitionId: string, actor: Actor, caseId: string, itemId: string) {
      const item = await findDocument(db, coalitionId, caseId, itemId, true);
      if (!item || item.deletedAt) return null;
      if (item.state !== 'complete')
        throw new AppError('CONFLICT', 'This document did not arrive whole: delete it and upload it again.');
      await items.appendCustody(db, itemId, actor, 'downloaded', {}, now());
      return {
        facts: factsOf(item),
        stream: (async function* () {
          for await (const chunk of items.openedChunks(database.db, item)) yield chunk.plain;
        })(),
      };
    },

    /**
     * Deletes a document of this case (the legal team, with a reason), in the caller's transaction;
     * `release` lets go of its files once that has committed. False when the case has no such document.
     */
    async deleteDocumentIn(
      db: Drizzle,
      coalitionId: string,
      actor: Actor,
      caseId: string,
      itemId: string,
      reason: string,
    ): Promise<boolean> {
      const item = await findDocument(db, coalitionId, caseId, itemId, true);
      if (!item || item.deletedAt) return false;
      await deleteIn(db, item, actor, reason, now());
      return true;
    },

    /** Deletes every document of a case (its retention ended), in the caller's transaction. */
    async deleteCaseDocumentsIn(db: Drizzle, coalitionId: string, caseId: string): Promise<string[]> {
      const at = now();
      const kept = await documentsOfCase(db, coalitionId, caseId);
      for (const item of kept) await deleteIn(db, item, null, 'case_deleted', at);
      return kept.map((item) => item.id);
    },

    /** After a deletion has committed: the files of a folder store no row names any more. */
    async release(itemIds: readonly string[]) {
      for (const id of itemIds) await items.store.release(database.db, id);
    },
  };
}

export type EvidenceDocuments = ReturnType<typeof createDocuments>;
