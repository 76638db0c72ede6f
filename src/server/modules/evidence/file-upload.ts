import { createHash, type Hash } from 'node:crypto';
import type { EvidenceItem } from '../../../shared/evidence.js';
import { AppError } from '../../http/errors.js';
import { announceEvidenceChange } from './board-events.js';
import {
  chunkFacts,
  type EvidenceItemRow,
  findItem,
  findStoredItem,
  type StoredItemRow,
  updateItem,
} from './evidence.repo.js';
import type { Actor, StartInput } from './evidence.service.js';
import { type ChunkRow, EVIDENCE_MAX_BYTES, type Items, notFound } from './items.js';
import { bytesAre } from './media-type.js';
import type { createRecording } from './recording.js';
import { CHUNK_BYTES, ChunkSealing, chainNext, chainStart, chunkContext, openChunk } from './sealing.js';
import type { createWorkingCopies } from './working-copy.js';

/** Uploads whose running SHA-256 a process keeps at most (one hash state each, a few hundred bytes). */
const HASHING_KEPT = 1000;
/** Chunks of an upload stored in one transaction. */
const UPLOAD_BATCH = 4;

/**
 * An existing file (a camera roll's video) uploaded through the resumable
 * path (uploads.ts, tus): started with its announced length, its bytes sealed
 * a chunk at a time as they arrive, a cut connection continued where it
 * stopped, completed at its length.
 */
export function createFileUpload(
  items: Items,
  recording: ReturnType<typeof createRecording>,
  workingCopies: Pick<ReturnType<typeof createWorkingCopies>, 'requestWorkingCopyIn'>,
) {
  const { database, now } = items;
  /** The SHA-256 of each upload this process is receiving, over its whole chunks stored so far. */
  const hashing = new Map<string, { hash: Hash; upTo: number }>();

  async function owned(coalitionId: string, actor: Actor, itemId: string) {
    const item = await findItem(database.db, coalitionId, itemId);
    if (!item || item.recordedBy !== actor.userId || item.source !== 'upload') throw notFound();
    return item;
  }

  return {
    /** Starts an upload with its announced length, which must be within what its kind may hold. */
    async startUpload(
      coalitionId: string,
      actor: Actor,
      input: Omit<StartInput, 'source'> & { expectedBytes: number; clientSha256?: string | undefined },
    ): Promise<EvidenceItem> {
      if (input.expectedBytes <= 0 || input.expectedBytes > EVIDENCE_MAX_BYTES[input.kind])
        throw new AppError(
          'PAYLOAD_TOO_LARGE',
          `A ${input.kind} holds at most ${EVIDENCE_MAX_BYTES[input.kind]} bytes.`,
          {
            limitBytes: EVIDENCE_MAX_BYTES[input.kind],
          },
        );
      const { item } = await database.transaction(async ({ db, client }) => {
        const started = await recording.startIn(db, coalitionId, actor, { ...input, source: 'upload' });
        if (started.created) await announceEvidenceChange(client, coalitionId, input.incidentId);
        return started;
      });
      return item;
    },

    /** Where an upload of this person's stands: what the server holds, of how much. */
    async uploadState(coalitionId: string, actor: Actor, itemId: string) {
      const item = await owned(coalitionId, actor, itemId);
      return {
        bytes: item.bytes,
        expectedBytes: item.expectedBytes ?? 0,
        contentType: item.contentType,
        receivedAt: item.receivedAt,
      };
    },

    /**
     * Appends the bytes of `stream` at `offset`, sealing them a chunk at a time as they arrive:
     * at most a few chunks are ever held in memory, and never written in clear. A part chunk at the
     * end (the stream stopped, or a connection was cut mid-chunk) is kept sealed as the item's tail
     * and continued by the next request. Returns the new offset; completes the item at its length.
     */
    async appendUpload(
      coalitionId: string,
      actor: Actor,
      itemId: string,
      offset: number,
      stream: AsyncIterable<Uint8Array> | Iterable<Uint8Array>,
    ): Promise<number> {
      return appendTo(coalitionId, actor, await owned(coalitionId, actor, itemId), offset, stream);
    },

    appendTo,
  };

  /**
   * The storing path every uploaded original takes, whoever owns it (an incident's evidence, a
   * case's document: documents.ts): the caller has decided the person may write to this item.
   */
  async function appendTo(
    coalitionId: string,
    actor: Actor,
    item: StoredItemRow,
    offset: number,
    stream: AsyncIterable<Uint8Array> | Iterable<Uint8Array>,
  ): Promise<number> {
    const itemId = item.id;
    if (item.state === 'complete') throw new AppError('CONFLICT', 'This upload is complete.');
    if (offset !== item.bytes)
      throw new AppError('CONFLICT', `The server has ${item.bytes} bytes.`, { expected: item.bytes });
    const key = items.itemKey(item);
    const expected = item.expectedBytes ?? EVIDENCE_MAX_BYTES[item.kind];
    // The tail: a part chunk kept from the last request, opened to be continued.
    const last = item.chunks > 0 ? await chunkFacts(database.db, itemId, item.chunks) : undefined;
    const tail =
      last && last.length < CHUNK_BYTES
        ? (await items.store.read(database.db, itemId, last.seq, 1)).find((chunk) => chunk.seq === last.seq)
        : undefined;
    let seq = tail ? tail.seq : item.chunks + 1;
    let chunkStart = tail ? tail.offset : item.bytes;
    let previousLink = tail
      ? seq > 1
        ? Buffer.from((await chunkFacts(database.db, itemId, seq - 1))?.chain ?? chainStart(itemId))
        : chainStart(itemId)
      : Buffer.from(item.chain);
    let checked = item.bytes > 0;
    /** The first bytes, until there are enough to tell what the file is. */
    let head = Buffer.alloc(0);
    // The whole file's SHA-256 as its bytes arrive, while its requests come to this process; an
    // upload continued elsewhere (another process, a restart) is hashed from the store at the end.
    if (item.bytes === 0) hashing.set(itemId, { hash: createHash('sha256'), upTo: 0 });
    let running = hashing.get(itemId);
    if (running && running.upTo !== chunkStart) {
      hashing.delete(itemId);
      running = undefined;
    }
    // Oldest first: uploads left unfinished do not keep their hashes here for ever.
    for (const old of hashing.keys()) {
      if (hashing.size <= HASHING_KEPT) break;
      hashing.delete(old);
    }
    /** The whole-file hash moved on as bytes arrive; `running` takes it only once they are stored. */
    const ahead = running?.hash.copy();

    /**
     * Sealed chunks not yet stored, and the item as it must stand before them: a few are stored
     * in one transaction (fewer round trips and commits), never more than UPLOAD_BATCH in memory.
     * Each whole chunk carries the whole-file hash up to its end.
     */
    let batch: (ChunkRow & { hashAfter: Hash | undefined })[] = [];
    let batchBefore: { chunks: number; bytes: number } | null = null;

    /** The chunk being sealed at `seq` (the tail's place, if one was kept there), as its bytes arrive. */
    let sealing: ChunkSealing | null = null;
    const begin = () => {
      if (!batchBefore) {
        const tailHere = tail && seq === tail.seq ? tail.length : 0;
        batchBefore = tailHere
          ? { chunks: seq, bytes: chunkStart + tailHere }
          : { chunks: seq - 1, bytes: chunkStart };
      }
      const started = new ChunkSealing(key, chunkContext(itemId, seq, false));
      if (tail && seq === tail.seq) {
        const plain = openChunk(key, chunkContext(itemId, tail.seq, false), tail.sealed);
        started.update(plain);
        ahead?.update(plain);
      }
      return started;
    };
    /** The chunk at `seq` sealed whole (or as the part that arrived), and the chain moved on. */
    const finish = (current: ChunkSealing) => {
      const { sealed, sha256: hash, length } = current.finish();
      const chain = chainNext(previousLink, hash);
      previousLink = chain;
      batch.push({
        itemId,
        seq,
        offset: chunkStart,
        length,
        final: false,
        sha256: hash,
        chain,
        sealed,
        hashAfter: length === CHUNK_BYTES ? ahead?.copy() : undefined,
      });
      sealing = null;
    };

    /** Stores the sealed chunks, if the item still stands where they start. */
    const flush = async () => {
      const rows = batch;
      const before = batchBefore;
      if (rows.length === 0 || !before) return;
      batch = [];
      batchBefore = null;
      await database.transaction(async ({ db }) => {
        const current = await findStoredItem(db, coalitionId, itemId, true);
        // Another request moved it on meanwhile (a second process): this one stops.
        if (!current || current.chunks !== before.chunks || current.bytes !== before.bytes)
          throw new AppError('CONFLICT', 'The upload moved on in another request.');
        await items.storeChunks(
          db,
          itemId,
          rows.map(({ hashAfter: _, ...row }) => row),
          now(),
        );
      });
      // Whole chunks, in order, are in the running hash; a part chunk waits until it is whole.
      const lastWhole = rows.findLast((row) => row.hashAfter);
      if (running && lastWhole?.hashAfter) {
        running.hash = lastWhole.hashAfter;
        running.upTo = lastWhole.offset + lastWhole.length;
      }
    };

    let failure: unknown = null;
    let storing: Promise<void> = Promise.resolve();
    let received = 0;
    try {
      for await (const piece of stream) {
        if (item.bytes + received + piece.length > expected)
          throw new AppError('PAYLOAD_TOO_LARGE', `This upload was announced as ${expected} bytes.`, {
            limitBytes: expected,
          });
        // Sealing is most of this thread's work: before each piece it lets the replies of the
        // batch being stored in (the database's, the disk's), which would otherwise wait behind a
        // stream whose pieces keep arriving, and stall the next batch (every 256 KiB: 10% slower).
        await new Promise(setImmediate);
        let rest = Buffer.from(piece.buffer, piece.byteOffset, piece.byteLength);
        received += rest.length;
        if (!checked) {
          head = Buffer.concat([head, rest.subarray(0, 16 - head.length)]);
          if (head.length >= 16) {
            if (!bytesAre(head, item.contentType))
              throw new AppError('UNSUPPORTED_MEDIA_TYPE', `The bytes are not ${item.contentType}.`);
            checked = true;
          }
        }
        while (rest.length > 0) {
          const current: ChunkSealing = sealing ?? begin();
          sealing = current;
          const part = rest.subarray(0, CHUNK_BYTES - current.length);
          rest = rest.subarray(part.length);
          current.update(part);
          ahead?.update(part);
          if (current.length < CHUNK_BYTES) continue;
          finish(current);
          seq += 1;
          chunkStart += CHUNK_BYTES;
          if (batch.length >= UPLOAD_BATCH) {
            // One batch is stored while the next is received and sealed: the disk's and database's
            // time and this process's overlap. Never more than one in flight, so they are stored in
            // order.
            await storing;
            storing = flush();
            storing.catch(() => {});
          }
        }
      }
      // A file shorter than what tells its type apart: told from what there is.
      if (!checked && received > 0) {
        if (!bytesAre(head, item.contentType))
          throw new AppError('UNSUPPORTED_MEDIA_TYPE', `The bytes are not ${item.contentType}.`);
        checked = true;
      }
      await storing;
    } catch (error) {
      failure = error;
    }
    // Batches still being stored when the stream failed: their end is awaited before the rest.
    let notStored = false;
    await storing.catch((error: unknown) => {
      failure ??= error;
      notStored = true;
    });
    // What arrived before the end or a cut is kept (sealed), unless it was refused for what it is.
    // (A stream cut before its first bytes could be told apart is sent again from the start.)
    const refused = failure instanceof AppError && failure.code !== 'CONFLICT';
    if (!refused && !notStored) {
      const open = sealing as ChunkSealing | null;
      if (open && open.length > 0 && checked) finish(open);
      await flush().catch((error: unknown) => {
        failure ??= error;
      });
    }
    if (failure) throw failure;
    const stored = await findStoredItem(database.db, coalitionId, itemId);
    if (stored && item.expectedBytes !== null && stored.bytes === item.expectedBytes) {
      await complete(stored);
      // Tails replaced after cut connections, and the last chunk's earlier seal: named by no row now.
      await items.store.release(database.db, itemId);
    }
    return stored?.bytes ?? item.bytes;

    /**
     * At its announced length: the last chunk sealed as the last, the whole hash kept; a photo's
     * working copy asked for (made by a job once this commits, never in this request).
     */
    async function complete(done: StoredItemRow) {
      await database.transaction(async (tx) => {
        const { db, client } = tx;
        const locked = await findStoredItem(db, coalitionId, itemId, true);
        if (!locked || locked.state === 'complete') return;
        const { last: lastChunk, plain } = await items.sealLast(db, locked, key);
        const kept = hashing.get(itemId);
        hashing.delete(itemId);
        let digest: Buffer;
        if (kept && kept.upTo === lastChunk.offset) digest = kept.hash.update(plain).digest();
        else if (kept && kept.upTo === lastChunk.offset + lastChunk.length) digest = kept.hash.digest();
        // Continued in another process: read back as stored (every seal, hash and link checked).
        else digest = await items.storedSha256(db, locked);
        const mismatch = done.clientSha256 && !digest.equals(Buffer.from(done.clientSha256));
        const at = now();
        await updateItem(db, itemId, { state: 'complete', sha256: digest, completedAt: at });
        await items.appendCustody(
          db,
          itemId,
          actor,
          'completed',
          {
            sha256: digest.toString('hex'),
            bytes: locked.bytes,
            matchesUploader: mismatch ? false : done.clientSha256 ? true : null,
          },
          at,
        );
        // An incident's item: its photo's working copy, and the board told. (A case's document: neither.)
        if (locked.incidentId !== null) {
          await workingCopies.requestWorkingCopyIn(tx, locked as EvidenceItemRow);
          await announceEvidenceChange(client, coalitionId, locked.incidentId);
        }
      });
    }
  }
}
