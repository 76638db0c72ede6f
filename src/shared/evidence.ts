import { z } from 'zod';

/**
 * Evidence items: what responders record on an incident, kept for the legal
 * team as sealed originals with hashes and a chain of custody (shared by the
 * server and the web).
 */
export const EVIDENCE_KINDS = ['video', 'audio', 'photo', 'note'] as const;
export type EvidenceKind = (typeof EVIDENCE_KINDS)[number];
/**
 * What the evidence store keeps: an incident's evidence, or a legal case's document (owned by the
 * case, read only through it: shared/case-documents.ts).
 */
export const EVIDENCE_ITEM_KINDS = [...EVIDENCE_KINDS, 'document'] as const;
export type EvidenceItemKind = (typeof EVIDENCE_ITEM_KINDS)[number];

/** receiving: bytes are arriving; partial: they stopped before the end (a phone taken, a dropped link); complete. */
export const EVIDENCE_STATES = ['receiving', 'partial', 'complete'] as const;
export type EvidenceState = (typeof EVIDENCE_STATES)[number];

/** How it reached Faro: recorded in the app and sent slice by slice, or a file uploaded. */
export const EVIDENCE_SOURCES = ['recording', 'upload', 'note'] as const;
export type EvidenceSource = (typeof EVIDENCE_SOURCES)[number];

/** The types an original may be, by kind: checked against the file's first bytes. */
export const EVIDENCE_TYPES = {
  video: ['video/webm', 'video/mp4', 'video/quicktime'],
  audio: ['audio/webm', 'audio/ogg', 'audio/mp4', 'audio/aac'],
  photo: ['image/jpeg', 'image/png', 'image/heic', 'image/heif'],
  note: ['text/plain'],
} as const satisfies Record<EvidenceKind, readonly string[]>;

/**
 * Why a photo has no working copy: a format this server cannot decode (an iPhone's HEIC), more
 * pixels than a copy is made from, or bytes that are no readable picture. The original is kept.
 */
export const WORKING_COPY_GAPS = ['format', 'too_large', 'damaged'] as const;
export type WorkingCopyGap = (typeof WORKING_COPY_GAPS)[number];

/**
 * A photo's working copy: a new JPEG of its pixels only (no EXIF, GPS, serials or times), what the
 * board and the legal page show; the original stays sealed for the legal team.
 */
export const workingCopySchema = z.discriminatedUnion('state', [
  z.object({ state: z.literal('ready'), width: z.number().int(), height: z.number().int() }),
  /** The photo is complete; its copy is being made. */
  z.object({ state: z.literal('pending') }),
  z.object({ state: z.literal('none'), reason: z.enum(WORKING_COPY_GAPS) }),
]);
export type WorkingCopy = z.infer<typeof workingCopySchema>;

/**
 * What a person allowed to know of an item is told about it (the server's answer on every
 * evidence route; the board, the responder app and the legal page read it).
 */
export const evidenceItemSchema = z.object({
  id: z.uuid(),
  incidentId: z.uuid(),
  kind: z.enum(EVIDENCE_KINDS),
  source: z.enum(EVIDENCE_SOURCES),
  contentType: z.string(),
  /** As stored, except that a recording with nothing new for a while reads as partial. */
  state: z.enum(EVIDENCE_STATES),
  bytes: z.number().int(),
  chunks: z.number().int(),
  durationMs: z.number().int().nullable(),
  sha256: z.string().nullable(),
  /** The chain after the last chunk stored: what a partial item verifies up to. */
  chain: z.string(),
  deviceStartedAt: z.string().nullable(),
  receivedAt: z.string(),
  lastReceivedAt: z.string(),
  completedAt: z.string().nullable(),
  retainUntil: z.string(),
  held: z.boolean(),
  deleted: z.boolean(),
  /** Recorded by the person asking. */
  mine: z.boolean(),
  /** A photo's working copy (null for other kinds, an incomplete photo, or a deleted original). */
  workingCopy: workingCopySchema.nullable(),
  /** Who recorded it: for the legal team only. */
  recorder: z.object({ name: z.string(), role: z.string() }).optional(),
});
export type EvidenceItem = z.infer<typeof evidenceItemSchema>;

/** The most items one export names by id (an incident's are not counted against it). */
export const EVIDENCE_EXPORT_MAX_ITEMS = 500;

export { EVIDENCE_KEY_PATH } from './evidence-key.js';

/**
 * The query parameter of /evidence that says why an export posted as a form was refused (its
 * error code; `reason` beside it when the server gave one): the server redirects there.
 */
export const EVIDENCE_EXPORT_ERROR_PARAM = 'exportError';

/** What checking an item found: everything holds, or the first thing that does not. */
export type EvidenceVerification =
  | { ok: true; chunks: number; bytes: number; complete: boolean; sha256: string | null }
  | {
      ok: false;
      /** The first chunk that fails, or the custody row. */
      failure:
        | { at: 'chunk'; seq: number; reason: 'seal' | 'hash' | 'chain' | 'missing' }
        | { at: 'item'; reason: 'chain' | 'sha256' | 'length' }
        | { at: 'custody'; seq: number; reason: string };
      /** What does verify: the chunks before the failure. */
      verifiedChunks: number;
    };

/** An item's chain of custody as the legal team reads it, and whether it holds. */
export interface EvidenceCustody {
  entries: {
    seq: number;
    at: string;
    event: string;
    /** The person's name (none for the server's own acts). */
    actor: string | null;
    role: string | null;
    session: string | null;
    details: Record<string, unknown>;
    hash: string;
  }[];
  check: { ok: true; entries: number } | { ok: false; seq: number; reason: string };
}

/**
 * One chunk of an item as the server received it (a recording's slice, an upload's mebibyte, a
 * note's entry): its place, length, SHA-256 and when the server stored it — never its bytes.
 */
export const evidenceReceiptSchema = z.object({
  seq: z.number().int(),
  offset: z.number().int(),
  bytes: z.number().int(),
  sha256: z.string(),
  /** Null for chunks stored before Faro kept this time. */
  receivedAt: z.string().nullable(),
});
export type EvidenceReceipt = z.infer<typeof evidenceReceiptSchema>;
