/**
 * Evidence items: what responders record on an incident, kept for the legal
 * team as sealed originals with hashes and a chain of custody (zod-free:
 * shared by the server and the web).
 */
export const EVIDENCE_KINDS = ['video', 'audio', 'photo', 'note'] as const;
export type EvidenceKind = (typeof EVIDENCE_KINDS)[number];

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
