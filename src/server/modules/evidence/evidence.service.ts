import type {
  EvidenceItem,
  EvidenceKind,
  EvidenceSource,
  EvidenceVerification,
} from '../../../shared/evidence.js';
import type { Permission } from '../../../shared/permissions.js';
import { createDocuments } from './documents.js';
import { createFileUpload } from './file-upload.js';
import { createHolds } from './holds.js';
import { createItems, type ItemDeps } from './items.js';
import { createReading } from './reading.js';
import { createReceipts } from './receipts.js';
import { createRecording } from './recording.js';
import { createWorkingCopies, type EnqueueWorkingCopy } from './working-copy.js';

/**
 * Evidence items: a recording sent slice by slice while it is made (so that
 * what reached the server survives a seized phone) or a file uploaded, sealed
 * as it arrives, hashed and chained; opened only by the legal team, every
 * opening written into the item's chain of custody and the audit log. Split by
 * use case: recording.ts (and an observer's note, notes.ts), file-upload.ts,
 * reading.ts, holds.ts, receipts.ts, working-copy.ts (a photo's stripped
 * copy), on what they share in items.ts.
 */

/** Someone acting: their account, the roles they hold, and their session. */
export interface Actor {
  userId: string;
  roles: readonly string[];
  permissions: readonly Permission[];
  tokenHash: string;
}

export interface StartInput {
  /**
   * The id the phone gave the recording, so that a recording begun without a connection can be
   * started later with the same id (and a start sent twice makes one item).
   */
  id?: string | undefined;
  incidentId: string;
  kind: EvidenceKind;
  source: EvidenceSource;
  contentType: string;
  /** When the phone started recording, by its own clock. */
  deviceStartedAt?: string | undefined;
}

/** What a person allowed to know of an item is told about it. */
export type ItemFacts = EvidenceItem;

export interface Progress {
  /** Slices (chunks) stored, in order, and how many bytes: everything up to here is safe. */
  chunks: number;
  bytes: number;
  chain: string;
}

export type Verification = EvidenceVerification;
export { EVIDENCE_MAX_BYTES, STALLED_MS } from './items.js';
export type { ExportedItem } from './reading.js';

export interface EvidenceDeps extends ItemDeps {
  /** Sends the job that makes a photo's working copy (evidence.module.ts wires the queue). */
  enqueueWorkingCopy: EnqueueWorkingCopy;
}

export function createEvidenceService(deps: EvidenceDeps) {
  const items = createItems(deps);
  const recording = createRecording(items);
  const { startIn: _, ...record } = recording;
  const copies = createWorkingCopies(items, deps.enqueueWorkingCopy);
  const { requestWorkingCopyIn: __, ...workingCopies } = copies;
  const { appendTo, ...upload } = createFileUpload(items, recording, copies);
  return {
    ...record,
    ...upload,
    ...createReading(items),
    ...createHolds(items),
    ...workingCopies,
    ...createReceipts(items),
    /** A legal case's documents: for the cases module only, once it has decided access (documents.ts). */
    documents: createDocuments(items, appendTo),
  };
}

export type EvidenceService = ReturnType<typeof createEvidenceService>;
