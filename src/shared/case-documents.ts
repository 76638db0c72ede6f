import { z } from 'zod';

/**
 * A legal case's documents (issue 16): the Notice to Appear, custody papers, a bond receipt, a
 * scanned ID — kept by the evidence store as sealed originals, owned by the case and reached only
 * through it (`/api/cases/:id/documents`). Shared by the server and the web.
 */

/** The types a document may be, each checked against the file's first bytes. */
export const DOCUMENT_TYPES = [
  'application/pdf',
  'image/jpeg',
  'image/png',
  'image/heic',
  'image/heif',
  'image/webp',
] as const;
export type DocumentType = (typeof DOCUMENT_TYPES)[number];

/** The most a document may hold: a long scanned PDF fits, a video does not. */
export const DOCUMENT_MAX_BYTES = 25 * 1024 * 1024;
export const DOCUMENT_TITLE_MAX = 200;

/** Headers an upload carries besides its type and length (the title URI-encoded: it may be any language). */
export const DOCUMENT_TITLE_HEADER = 'x-document-title';
export const DOCUMENT_SHA256_HEADER = 'x-content-sha256';

export const caseDocumentSchema = z.object({
  id: z.uuid(),
  title: z.string(),
  contentType: z.string(),
  bytes: z.number().int(),
  /** What the upload announced; less than that in `bytes` means it did not arrive whole. */
  expectedBytes: z.number().int(),
  complete: z.boolean(),
  /** SHA-256 of the whole original as stored (null until it is complete). */
  sha256: z.string().nullable(),
  addedBy: z.string().nullable(),
  addedAt: z.string(),
});
export type CaseDocument = z.infer<typeof caseDocumentSchema>;

export const caseDocumentListSchema = z.object({ documents: z.array(caseDocumentSchema) });
export type CaseDocumentList = z.infer<typeof caseDocumentListSchema>;

export const deleteDocumentSchema = z.object({ reason: z.string().trim().min(1).max(1000) });
