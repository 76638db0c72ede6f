import type { CaseDocument, CaseDocumentList } from '../../../shared/case-documents.js';
import type { Drizzle } from '../../db/database.js';
import { AppError } from '../../http/errors.js';
import { type CaseActor, type CaseCore, consentFirst } from './cases.service.js';
import { deleteCaseDocument, documentsOf, findCaseDocument, insertDocument } from './documents.repo.js';

/**
 * What the cases module needs of the evidence store for a case's documents (the evidence module's
 * `documents`, evidence/documents.ts): it keeps the bytes sealed with their hashes and custody log,
 * and asks nothing about access — every call below is made once `reach` has decided it.
 */
export interface CaseDocumentStore {
  storeDocument(
    coalitionId: string,
    actor: CaseActor,
    input: { caseId: string; contentType: string; bytes: number; clientSha256?: string | undefined },
    stream: AsyncIterable<Uint8Array>,
    attach: (itemId: string) => Promise<void>,
  ): Promise<DocumentFacts>;
  documentFacts(db: Drizzle, coalitionId: string, caseId: string): Promise<DocumentFacts[]>;
  readDocumentIn(
    db: Drizzle,
    coalitionId: string,
    actor: CaseActor,
    caseId: string,
    itemId: string,
  ): Promise<{ facts: DocumentFacts; stream: AsyncIterable<Buffer> } | null>;
  deleteDocumentIn(
    db: Drizzle,
    coalitionId: string,
    actor: CaseActor,
    caseId: string,
    itemId: string,
    reason: string,
  ): Promise<boolean>;
  deleteCaseDocumentsIn(db: Drizzle, coalitionId: string, caseId: string): Promise<string[]>;
  release(itemIds: readonly string[]): Promise<void>;
}

interface DocumentFacts {
  id: string;
  contentType: string;
  bytes: number;
  expectedBytes: number;
  complete: boolean;
  sha256: string | null;
  receivedAt: Date;
}

/** A document's title is sealed, bound to its row. */
const titleContext = (documentId: string) => `case-document-title:${documentId}`;
const documentNotFound = () => new AppError('NOT_FOUND', 'No document with this id in this case.');

/**
 * A case's documents (the Notice to Appear, custody papers, a bond receipt, a scanned ID): access
 * exactly as the case's (`reach`: 404 to anyone who may not know it, and for another case's
 * document), consent first as for notes, every upload, download and deletion audited on the case.
 */
export function createCaseDocuments(core: CaseCore, store: CaseDocumentStore) {
  const { database, box, now, audit } = core;

  const shown = (
    row: { id: string; title: string; createdAt: Date },
    addedBy: string | null,
    facts: DocumentFacts,
  ): CaseDocument => ({
    id: row.id,
    title: box.open(row.title, titleContext(row.id)),
    contentType: facts.contentType,
    bytes: facts.bytes,
    expectedBytes: facts.expectedBytes,
    complete: facts.complete,
    sha256: facts.sha256,
    addedBy,
    addedAt: row.createdAt.toISOString(),
  });

  async function listIn(db: Drizzle, coalitionId: string, caseId: string): Promise<CaseDocument[]> {
    const facts = new Map((await store.documentFacts(db, coalitionId, caseId)).map((f) => [f.id, f]));
    return (await documentsOf(db, caseId)).flatMap(({ document, addedBy }) => {
      const found = facts.get(document.id);
      return found ? [shown(document, addedBy, found)] : [];
    });
  }

  return {
    /** The documents of a case the person may know; the reading audited. */
    async listDocuments(coalitionId: string, actor: CaseActor, caseId: string): Promise<CaseDocumentList> {
      return database.transaction(async ({ db }) => {
        await core.reach(db, coalitionId, actor, caseId);
        await audit(db, coalitionId, actor.userId, 'case.viewed', caseId);
        return { documents: await listIn(db, coalitionId, caseId) };
      });
    },

    /**
     * Adds a document from a stream (never gathered whole): refused before anything is kept if the
     * person may not know the case (404), consent is not recorded, or the file is too large or not
     * a PDF or a photo. Recorded on the case (and audited) as soon as its item exists, so that what
     * arrived before a cut connection is kept and listed as incomplete.
     */
    async addDocument(
      coalitionId: string,
      actor: CaseActor,
      caseId: string,
      input: { title: string; contentType: string; bytes: number; clientSha256?: string | undefined },
      stream: AsyncIterable<Uint8Array>,
    ): Promise<CaseDocument> {
      await database.transaction(async ({ db }) => {
        const { row } = await core.reach(db, coalitionId, actor, caseId);
        if (row.consentAt === null) throw consentFirst();
      });
      const facts = await store.storeDocument(
        coalitionId,
        actor,
        { caseId, contentType: input.contentType, bytes: input.bytes, clientSha256: input.clientSha256 },
        stream,
        (itemId) =>
          database.transaction(async ({ db }) => {
            const at = now();
            // Referred away meanwhile: not added (the item stays empty, with its custody log).
            await core.reach(db, coalitionId, actor, caseId, true);
            await insertDocument(db, {
              id: itemId,
              caseId,
              title: box.seal(input.title, titleContext(itemId)),
              addedBy: actor.userId,
              createdAt: at,
            });
            await audit(db, coalitionId, actor.userId, 'case.document_added', caseId, at);
          }),
      );
      const row = await findCaseDocument(database.db, caseId, facts.id);
      if (!row) throw new Error('the case document vanished');
      const addedBy = (await documentsOf(database.db, caseId)).find((d) => d.document.id === row.id)?.addedBy;
      return shown(row, addedBy ?? null, facts);
    },

    /**
     * A document's bytes for download, with its facts and title; the reading audited on the case
     * and written into the document's custody log before a byte leaves.
     */
    async readDocument(coalitionId: string, actor: CaseActor, caseId: string, documentId: string) {
      return database.transaction(async ({ db }) => {
        await core.reach(db, coalitionId, actor, caseId);
        const row = await findCaseDocument(db, caseId, documentId);
        if (!row) throw documentNotFound();
        const read = await store.readDocumentIn(db, coalitionId, actor, caseId, documentId);
        if (!read) throw documentNotFound();
        await audit(db, coalitionId, actor.userId, 'case.document_read', caseId);
        return { ...read, title: box.open(row.title, titleContext(row.id)) };
      });
    },

    /**
     * Deletes a document (the legal team holding the case, with a reason): its bytes go, its custody
     * log keeps that it existed and why it went (sealed).
     */
    async deleteDocument(
      coalitionId: string,
      actor: CaseActor,
      caseId: string,
      documentId: string,
      reason: string,
    ): Promise<CaseDocumentList> {
      const result = await database.transaction(async ({ db }) => {
        const { holds } = await core.reach(db, coalitionId, actor, caseId, true);
        const row = await findCaseDocument(db, caseId, documentId);
        if (!row) throw documentNotFound();
        if (!holds) throw new AppError('FORBIDDEN', 'Only the legal team holding this case may do this.');
        await store.deleteDocumentIn(db, coalitionId, actor, caseId, documentId, reason);
        await deleteCaseDocument(db, caseId, documentId);
        await audit(db, coalitionId, actor.userId, 'case.document_deleted', caseId);
        return { documents: await listIn(db, coalitionId, caseId) };
      });
      await store.release([documentId]);
      return result;
    },

    /** A case's documents deleted with it (retention), in its deletion's transaction. */
    deleteAllIn: (db: Drizzle, coalitionId: string, caseId: string) =>
      store.deleteCaseDocumentsIn(db, coalitionId, caseId),
    release: (itemIds: readonly string[]) => store.release(itemIds),
  };
}

export type CaseDocuments = ReturnType<typeof createCaseDocuments>;
