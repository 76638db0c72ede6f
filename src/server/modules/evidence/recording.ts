import { randomUUID } from 'node:crypto';
import { EVIDENCE_TYPES, type EvidenceItem } from '../../../shared/evidence.js';
import type { Drizzle } from '../../db/database.js';
import { AppError } from '../../http/errors.js';
import { announceEvidenceChange } from './board-events.js';
import { recordsForAnyIncident } from './evidence.policy.js';
import {
  assignmentOnIncident,
  chunkFacts,
  type EvidenceItemRow,
  findItem,
  incidentInCoalition,
  updateItem,
} from './evidence.repo.js';
import type { Actor, Progress, StartInput } from './evidence.service.js';
import { ChunkFailure, EVIDENCE_MAX_BYTES, hex, type Items, notFound, STALLED_MS } from './items.js';
import { bytesAre } from './media-type.js';
import { checkNoteEntry } from './notes.js';
import { MAX_CHUNK_BYTES, sha256 } from './sealing.js';

/** The items sent slice by slice (a recording, an observer's note): only their recorder adds to them. */
const sentInSlices = (item: EvidenceItemRow) => item.source === 'recording' || item.source === 'note';

/** Checks slice `seq` against what its item is: a recording by its first bytes, a note's every entry whole. */
function checkSlice(item: EvidenceItemRow, seq: number, bytes: Buffer) {
  if (item.kind === 'note') checkNoteEntry(bytes);
  else if (seq === 1 && !bytesAre(bytes, item.contentType))
    throw new AppError('UNSUPPORTED_MEDIA_TYPE', `The bytes are not ${item.contentType}.`);
}

/**
 * A recording sent slice by slice while it is made, so that what reached the
 * server survives a seized phone: started on an incident the recorder is out
 * on, each slice sealed and chained as it arrives, finished when the phone
 * says the recording ended. An observer's note goes the same way, one entry a
 * slice (notes.ts checks each entry).
 */
export function createRecording(items: Items) {
  const { database, now } = items;

  /** Checks that a type is one its kind may be. */
  function checkType(input: Pick<StartInput, 'kind' | 'contentType'>) {
    if (!(EVIDENCE_TYPES[input.kind] as readonly string[]).includes(input.contentType))
      throw new AppError(
        'UNSUPPORTED_MEDIA_TYPE',
        `A ${input.kind} may be ${EVIDENCE_TYPES[input.kind].join(', ')}.`,
      );
  }

  /**
   * Starts an item on an incident the person is out on (or manages), in the caller's transaction.
   * The same start again (the phone's id) gives the item it made; someone else's id, nothing.
   */
  async function startIn(
    db: Drizzle,
    coalitionId: string,
    actor: Actor,
    input: StartInput & { expectedBytes?: number | undefined; clientSha256?: string | undefined },
  ): Promise<{ item: EvidenceItem; created: boolean }> {
    checkType(input);
    const at = now();
    const id = input.id ?? randomUUID();
    if (input.id) {
      const existing = await findItem(db, coalitionId, input.id, true);
      if (existing?.recordedBy === actor.userId && existing.incidentId === input.incidentId)
        return { item: items.factsOf(existing, actor), created: false };
      if (existing) throw new AppError('NOT_FOUND', 'No incident you are out on with this id.');
    }
    const known = await incidentInCoalition(db, coalitionId, input.incidentId);
    const assignmentId = known ? await assignmentOnIncident(db, actor.userId, input.incidentId) : null;
    if (!known || (!assignmentId && !recordsForAnyIncident(actor)))
      throw new AppError('NOT_FOUND', 'No incident you are out on with this id.');
    await items.createItem(db, coalitionId, actor, { ...input, id, assignmentId }, at);
    await items.audit(db, coalitionId, actor, 'evidence.recorded', id, at);
    return { item: await items.currentFacts(db, coalitionId, id, actor), created: true };
  }

  return {
    startIn,

    /** Starts an item on an incident the person is out on (or manages); the board hears of it. */
    start(coalitionId: string, actor: Actor, input: StartInput) {
      return database.transaction(async ({ db, client }) => {
        const started = await startIn(db, coalitionId, actor, input);
        if (started.created) await announceEvidenceChange(client, coalitionId, input.incidentId);
        return started;
      });
    },

    /**
     * Stores slice `seq` (1, 2, 3…) of the recorder's own item, sealed. The same slice sent again
     * (an answer lost on the way) is taken once; a gap or a different slice in a taken place is
     * refused (409) with how far the server has it.
     */
    async appendSlice(
      coalitionId: string,
      actor: Actor,
      itemId: string,
      seq: number,
      bytes: Buffer,
      clientSha256?: string,
    ): Promise<Progress> {
      const hash = sha256(bytes);
      if (clientSha256 && clientSha256.toLowerCase() !== hash.toString('hex'))
        throw new AppError(
          'VALIDATION',
          'The slice does not match its SHA-256: it was damaged on the way; send it again.',
          {
            reason: 'hash_mismatch',
          },
        );
      if (bytes.length === 0 || bytes.length > MAX_CHUNK_BYTES)
        throw new AppError('PAYLOAD_TOO_LARGE', `A slice holds 1 byte to ${MAX_CHUNK_BYTES} bytes.`, {
          limitBytes: MAX_CHUNK_BYTES,
        });
      const at = now();
      return database.transaction(async ({ db, client }) => {
        const item = await findItem(db, coalitionId, itemId, true);
        if (!item || item.recordedBy !== actor.userId || !sentInSlices(item)) throw notFound();
        const progress = { chunks: item.chunks, bytes: item.bytes, chain: hex(item.chain) ?? '' };
        if (seq <= item.chunks) {
          const stored = await chunkFacts(db, itemId, seq);
          if (stored && Buffer.from(stored.sha256).equals(hash)) return progress;
          throw new AppError('CONFLICT', `A different slice ${seq} is already stored.`, {
            expected: item.chunks + 1,
          });
        }
        if (item.state === 'complete' || item.deletedAt)
          throw new AppError('CONFLICT', 'This item is complete: nothing more can be added.');
        if (seq !== item.chunks + 1)
          throw new AppError('CONFLICT', `Slice ${item.chunks + 1} comes next.`, {
            expected: item.chunks + 1,
          });
        checkSlice(item, seq, bytes);
        if (item.bytes + bytes.length > EVIDENCE_MAX_BYTES[item.kind])
          throw new AppError(
            'PAYLOAD_TOO_LARGE',
            `A ${item.kind} holds at most ${EVIDENCE_MAX_BYTES[item.kind]} bytes.`,
            {
              limitBytes: EVIDENCE_MAX_BYTES[item.kind],
            },
          );
        const row = items.sealAt(item, items.itemKey(item), { seq, offset: item.bytes }, item.chain, bytes);
        await items.storeChunks(db, itemId, [row], at);
        // Back after a stall (the board shows it as partial by now): the board hears it is arriving again.
        if (at.getTime() - item.lastReceivedAt.getTime() > STALLED_MS)
          await announceEvidenceChange(client, coalitionId, item.incidentId);
        return { chunks: seq, bytes: item.bytes + bytes.length, chain: row.chain.toString('hex') };
      });
    },

    /**
     * The recorder says the recording ended with slice `chunks`: the last chunk is sealed again as
     * the last, the whole original is read back from the store and hashed, and compared with the
     * phone's hash when it gives one.
     */
    async finish(
      coalitionId: string,
      actor: Actor,
      itemId: string,
      input: { chunks: number; sha256?: string | undefined; durationMs?: number | undefined },
    ): Promise<EvidenceItem> {
      const at = now();
      const finished = await database.transaction(async ({ db, client }) => {
        const item = await findItem(db, coalitionId, itemId, true);
        if (!item || item.recordedBy !== actor.userId || !sentInSlices(item)) throw notFound();
        if (item.state === 'complete') return items.factsOf(item, actor);
        if (item.chunks === 0 || input.chunks !== item.chunks)
          throw new AppError('CONFLICT', `The server has ${item.chunks} slices; send the rest first.`, {
            expected: item.chunks + 1,
          });
        await items.sealLast(db, item, items.itemKey(item));
        // Read back as stored (every seal opened, every hash and link checked): the hash is of what is kept.
        let digest: Buffer;
        try {
          digest = await items.storedSha256(db, item);
        } catch (error) {
          if (error instanceof ChunkFailure)
            throw new Error(`evidence item ${itemId} does not verify: ${error.message}`);
          throw error;
        }
        if (input.sha256 && input.sha256.toLowerCase() !== digest.toString('hex'))
          throw new AppError(
            'VALIDATION',
            `The ${item.kind === 'note' ? 'note' : 'recording'} stored does not match the SHA-256 the phone gave.`,
            {
              reason: 'hash_mismatch',
            },
          );
        await updateItem(db, itemId, {
          state: 'complete',
          sha256: digest,
          clientSha256: input.sha256 ? Buffer.from(input.sha256, 'hex') : null,
          durationMs: input.durationMs ?? null,
          completedAt: at,
        });
        await items.appendCustody(
          db,
          itemId,
          actor,
          'completed',
          { sha256: digest.toString('hex'), bytes: item.bytes },
          at,
        );
        await announceEvidenceChange(client, coalitionId, item.incidentId);
        return items.currentFacts(db, coalitionId, itemId, actor);
      });
      // The last chunk's earlier seal is no longer named by any row.
      await items.store.release(database.db, itemId);
      return finished;
    },
  };
}
