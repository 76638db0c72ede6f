import { createHash, type Hash, randomUUID } from 'node:crypto';
import {
  EVIDENCE_TYPES,
  type EvidenceItem,
  type EvidenceKind,
  type EvidenceSource,
  type EvidenceVerification,
} from '../../../shared/evidence.js';
import type { Permission } from '../../../shared/permissions.js';
import type { SecretBox } from '../../crypto/secret-box.js';
import type { Database, Drizzle } from '../../db/database.js';
import { AppError } from '../../http/errors.js';
import { recordAudit } from '../access/audit.js';
import { type CustodyEntry, type CustodyEvent, custodyHash, verifyCustody } from './custody.js';
import { opensOriginals, recordsForAnyIncident, seesEvidenceFacts } from './evidence.policy.js';
import {
  assignmentOnIncident,
  chunksFrom,
  deleteChunks,
  type EvidenceItemRow,
  expiredItems,
  findChunk,
  findItem,
  incidentInCoalition,
  insertChunk,
  insertCustody,
  insertItem,
  itemsForExport,
  lastCustody,
  listCustody,
  listItemsOfIncident,
  putChunks,
  recentItems,
  resealChunk,
  updateItem,
} from './evidence.repo.js';
import { bytesAre } from './media-type.js';
import {
  CHUNK_BYTES,
  chainNext,
  chainStart,
  chunkContext,
  MAX_CHUNK_BYTES,
  newItemKey,
  openChunk,
  SealBroken,
  sealChunk,
  sha256,
} from './sealing.js';

/**
 * Evidence items: a recording sent slice by slice while it is made (so that
 * what reached the server survives a seized phone), sealed as it arrives,
 * hashed and chained; opened only by the legal team, every opening written
 * into the item's chain of custody and the audit log.
 */

/** The most an original of each kind may hold. */
export const EVIDENCE_MAX_BYTES: Record<EvidenceKind, number> = {
  video: 2 * 1024 ** 3,
  audio: 512 * 1024 ** 2,
  photo: 64 * 1024 ** 2,
  note: 1024 ** 2,
};

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

const keyContext = (itemId: string) => `evidence-key:${itemId}`;
const hex = (bytes: Uint8Array | null) => (bytes ? Buffer.from(bytes).toString('hex') : null);
/** Uploads whose running SHA-256 a process keeps at most (one hash state each, a few hundred bytes). */
const HASHING_KEPT = 1000;
/** Chunks of an upload stored in one transaction. */
const UPLOAD_BATCH = 4;
type ChunkRow = Parameters<typeof putChunks>[1][number];
/** Chunks read at a time when streaming an original (each at most MAX_CHUNK_BYTES). */
const READ_BATCH = 4;
/** A recording with nothing new for this long stopped before its end (a phone taken, a link lost): partial. */
export const STALLED_MS = 2 * 60_000;
const holdContext = (itemId: string) => `evidence-hold:${itemId}`;

export function createEvidenceService(deps: {
  database: Database;
  box: SecretBox;
  now: () => Date;
  retentionDays: number;
}) {
  const { database, box, now } = deps;
  /** The SHA-256 of each upload this process is receiving, over its whole chunks stored so far. */
  const hashing = new Map<string, { hash: Hash; upTo: number }>();
  const sessionTag = (actor: Actor | null) =>
    actor ? box.digest(actor.tokenHash, 'evidence-session').slice(0, 16) : null;
  const actingRole = (actor: Actor, wanted: string[]) =>
    actor.roles.find((role) => wanted.includes(role)) ?? actor.roles[0] ?? null;

  async function appendCustody(
    db: Drizzle,
    itemId: string,
    actor: Actor | null,
    event: CustodyEvent,
    details: CustodyEntry['details'],
    at: Date,
  ): Promise<void> {
    const previous = await lastCustody(db, itemId);
    const entry: CustodyEntry = {
      itemId,
      seq: (previous?.seq ?? 0) + 1,
      at: at.toISOString(),
      event,
      actorId: actor?.userId ?? null,
      actorRole: actor ? actingRole(actor, ['legal', 'responder', 'dispatcher']) : null,
      sessionTag: sessionTag(actor),
      details,
    };
    await insertCustody(db, {
      itemId,
      seq: entry.seq,
      at,
      event,
      actorId: entry.actorId,
      actorRole: entry.actorRole,
      sessionTag: entry.sessionTag,
      details,
      previousHash: previous?.hash ?? null,
      hash: custodyHash(previous?.hash ?? null, entry),
    });
  }

  const notFound = () => new AppError('NOT_FOUND', 'No evidence item with this id.');

  /** A custody row's details as the legal team reads them: a hold's reason opened. */
  const openDetails = (itemId: string, details: CustodyEntry['details']) =>
    typeof details.reason === 'string' && details.reason.startsWith('v1.')
      ? { ...details, reason: box.open(details.reason, holdContext(itemId)) }
      : details;

  /** The item, if this person may see that it exists. */
  async function visible(db: Drizzle, coalitionId: string, actor: Actor, id: string, lock = false) {
    const item = await findItem(db, coalitionId, id, lock);
    if (!item || !seesEvidenceFacts(actor, item)) throw notFound();
    return item;
  }

  const itemKey = (item: EvidenceItemRow) => box.openBytes(item.wrappedKey, keyContext(item.id));

  function factsOf(item: EvidenceItemRow, actor: Actor, recorder?: string): ItemFacts {
    return {
      id: item.id,
      incidentId: item.incidentId,
      kind: item.kind,
      source: item.source,
      contentType: item.contentType,
      state:
        item.state === 'receiving' && now().getTime() - item.lastReceivedAt.getTime() > STALLED_MS
          ? 'partial'
          : item.state,
      bytes: item.bytes,
      chunks: item.chunks,
      durationMs: item.durationMs,
      sha256: hex(item.sha256),
      chain: hex(item.chain) ?? '',
      deviceStartedAt: item.deviceStartedAt?.toISOString() ?? null,
      receivedAt: item.receivedAt.toISOString(),
      lastReceivedAt: item.lastReceivedAt.toISOString(),
      completedAt: item.completedAt?.toISOString() ?? null,
      retainUntil: item.retainUntil.toISOString(),
      held: item.holdAt !== null,
      deleted: item.deletedAt !== null,
      mine: item.recordedBy === actor.userId,
      ...(opensOriginals(actor) && recorder ? { recorder: { name: recorder, role: item.recordedRole } } : {}),
    };
  }

  /** Reads an item's chunks in order, opening each: a broken seal, hash or chain stops it. */
  async function* openedChunks(db: Drizzle, item: EvidenceItemRow) {
    const key = itemKey(item);
    let link = chainStart(item.id);
    let next = 1;
    for (;;) {
      const rows = await chunksFrom(db, item.id, next, READ_BATCH);
      if (rows.length === 0) return;
      for (const row of rows) {
        if (row.seq !== next) throw new ChunkFailure(next, 'missing');
        let plain: Buffer;
        try {
          plain = openChunk(key, chunkContext(item.id, row.seq, row.final), row.sealed);
        } catch (error) {
          if (error instanceof SealBroken) throw new ChunkFailure(row.seq, 'seal');
          throw error;
        }
        const hash = sha256(plain);
        if (!hash.equals(Buffer.from(row.sha256))) throw new ChunkFailure(row.seq, 'hash');
        link = chainNext(link, hash);
        if (!link.equals(Buffer.from(row.chain))) throw new ChunkFailure(row.seq, 'chain');
        yield { seq: row.seq, plain, final: row.final, link };
        next += 1;
      }
    }
  }

  return {
    /** Starts an item on an incident the person is out on (or manages). */
    async start(
      coalitionId: string,
      actor: Actor,
      input: StartInput,
    ): Promise<{ item: ItemFacts; created: boolean }> {
      if (!(EVIDENCE_TYPES[input.kind] as readonly string[]).includes(input.contentType))
        throw new AppError(
          'UNSUPPORTED_MEDIA_TYPE',
          `A ${input.kind} may be ${EVIDENCE_TYPES[input.kind].join(', ')}.`,
        );
      const at = now();
      const id = input.id ?? randomUUID();
      return database.transaction(async ({ db }) => {
        if (input.id) {
          const existing = await findItem(db, coalitionId, input.id, true);
          // The same start again: the item it made. Someone else's id: nothing to see.
          if (existing?.recordedBy === actor.userId && existing.incidentId === input.incidentId)
            return { item: factsOf(existing, actor), created: false };
          if (existing) throw new AppError('NOT_FOUND', 'No incident you are out on with this id.');
        }
        const known = await incidentInCoalition(db, coalitionId, input.incidentId);
        const assignmentId = known ? await assignmentOnIncident(db, actor.userId, input.incidentId) : null;
        if (!known || (!assignmentId && !recordsForAnyIncident(actor)))
          throw new AppError('NOT_FOUND', 'No incident you are out on with this id.');
        const retainUntil = new Date(at.getTime() + deps.retentionDays * 86_400_000);
        await insertItem(db, {
          id,
          coalitionId,
          incidentId: input.incidentId,
          assignmentId,
          recordedBy: actor.userId,
          recordedRole: actingRole(actor, ['responder', 'dispatcher']) ?? 'responder',
          kind: input.kind,
          source: input.source,
          contentType: input.contentType,
          wrappedKey: box.sealBytes(newItemKey(), keyContext(id)),
          chain: chainStart(id),
          deviceStartedAt: input.deviceStartedAt ? new Date(input.deviceStartedAt) : null,
          receivedAt: at,
          lastReceivedAt: at,
          retainUntil,
        });
        await appendCustody(
          db,
          id,
          actor,
          'received',
          { kind: input.kind, contentType: input.contentType },
          at,
        );
        await recordAudit(db, {
          coalitionId,
          actorId: actor.userId,
          action: 'evidence.recorded',
          subjectType: 'evidence_item',
          subjectId: id,
          at,
        });
        const item = await findItem(db, coalitionId, id);
        if (!item) throw new Error('evidence item vanished');
        return { item: factsOf(item, actor), created: true };
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
      return database.transaction(async ({ db }) => {
        const item = await findItem(db, coalitionId, itemId, true);
        if (!item || item.recordedBy !== actor.userId || item.source === 'upload') throw notFound();
        const progress = { chunks: item.chunks, bytes: item.bytes, chain: hex(item.chain) ?? '' };
        if (seq <= item.chunks) {
          const stored = await findChunk(db, itemId, seq);
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
        if (seq === 1 && !bytesAre(bytes, item.contentType))
          throw new AppError('UNSUPPORTED_MEDIA_TYPE', `The bytes are not ${item.contentType}.`);
        if (item.bytes + bytes.length > EVIDENCE_MAX_BYTES[item.kind])
          throw new AppError(
            'PAYLOAD_TOO_LARGE',
            `A ${item.kind} holds at most ${EVIDENCE_MAX_BYTES[item.kind]} bytes.`,
            {
              limitBytes: EVIDENCE_MAX_BYTES[item.kind],
            },
          );
        const chain = chainNext(item.chain, hash);
        await insertChunk(db, {
          itemId,
          seq,
          offset: item.bytes,
          length: bytes.length,
          final: false,
          sha256: hash,
          chain,
          sealed: sealChunk(itemKey(item), chunkContext(itemId, seq, false), bytes),
        });
        await updateItem(db, itemId, {
          chunks: seq,
          bytes: item.bytes + bytes.length,
          chain,
          lastReceivedAt: at,
          // Slices that waited on a phone without a connection: the item was only paused.
          state: 'receiving',
        });
        return { chunks: seq, bytes: item.bytes + bytes.length, chain: chain.toString('hex') };
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
    ): Promise<ItemFacts> {
      const at = now();
      return database.transaction(async ({ db }) => {
        const item = await findItem(db, coalitionId, itemId, true);
        if (!item || item.recordedBy !== actor.userId || item.source === 'upload') throw notFound();
        if (item.state === 'complete') return factsOf(item, actor);
        if (item.chunks === 0 || input.chunks !== item.chunks)
          throw new AppError('CONFLICT', `The server has ${item.chunks} slices; send the rest first.`, {
            expected: item.chunks + 1,
          });
        const last = await findChunk(db, itemId, item.chunks);
        if (!last) throw new Error('the last chunk is missing');
        const key = itemKey(item);
        const plain = openChunk(key, chunkContext(itemId, last.seq, false), last.sealed);
        await resealChunk(db, itemId, last.seq, sealChunk(key, chunkContext(itemId, last.seq, true), plain));
        const whole = createHash('sha256');
        // Read back as stored (every seal opened, every hash and link checked): the hash is of what is kept.
        try {
          for await (const chunk of openedChunks(db, item)) whole.update(chunk.plain);
        } catch (error) {
          if (error instanceof ChunkFailure)
            throw new Error(`evidence item ${itemId} does not verify: ${error.message}`);
          throw error;
        }
        const digest = whole.digest();
        if (input.sha256 && input.sha256.toLowerCase() !== digest.toString('hex'))
          throw new AppError(
            'VALIDATION',
            'The recording stored does not match the SHA-256 the phone gave.',
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
        await appendCustody(
          db,
          itemId,
          actor,
          'completed',
          { sha256: digest.toString('hex'), bytes: item.bytes },
          at,
        );
        const done = await findItem(db, coalitionId, itemId);
        if (!done) throw new Error('evidence item vanished');
        return factsOf(done, actor);
      });
    },

    /**
     * An upload of an existing file (the resumable path, uploads.ts): started with its announced
     * length, which must be within what its kind may hold.
     */
    async startUpload(
      coalitionId: string,
      actor: Actor,
      input: StartInput & { expectedBytes: number; clientSha256?: string | undefined },
    ): Promise<ItemFacts> {
      if (input.expectedBytes <= 0 || input.expectedBytes > EVIDENCE_MAX_BYTES[input.kind])
        throw new AppError(
          'PAYLOAD_TOO_LARGE',
          `A ${input.kind} holds at most ${EVIDENCE_MAX_BYTES[input.kind]} bytes.`,
          {
            limitBytes: EVIDENCE_MAX_BYTES[input.kind],
          },
        );
      const { item, created } = await this.start(coalitionId, actor, { ...input, source: 'upload' });
      if (created)
        await updateItem(database.db, item.id, {
          expectedBytes: input.expectedBytes,
          clientSha256: input.clientSha256 ? Buffer.from(input.clientSha256, 'hex') : null,
        });
      return { ...item };
    },

    /** Where an upload of this person's stands: what the server holds, of how much. */
    async uploadState(coalitionId: string, actor: Actor, itemId: string) {
      const item = await findItem(database.db, coalitionId, itemId);
      if (!item || item.recordedBy !== actor.userId || item.source !== 'upload') throw notFound();
      return {
        bytes: item.bytes,
        expectedBytes: item.expectedBytes ?? 0,
        contentType: item.contentType,
        receivedAt: item.receivedAt,
      };
    },

    /**
     * Appends the bytes of `stream` at `offset`, sealing them a chunk at a time as they arrive:
     * at most one chunk is ever held in memory, and never written in clear. A part chunk at the
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
      const item = await findItem(database.db, coalitionId, itemId);
      if (!item || item.recordedBy !== actor.userId || item.source !== 'upload') throw notFound();
      if (item.state === 'complete') throw new AppError('CONFLICT', 'This upload is complete.');
      if (offset !== item.bytes)
        throw new AppError('CONFLICT', `The server has ${item.bytes} bytes.`, { expected: item.bytes });
      const key = itemKey(item);
      const expected = item.expectedBytes ?? EVIDENCE_MAX_BYTES[item.kind];
      // The tail: a part chunk kept from the last request, opened to be continued.
      const last = item.chunks > 0 ? await findChunk(database.db, itemId, item.chunks) : undefined;
      const tail = last && last.length < CHUNK_BYTES ? last : undefined;
      let seq = tail ? tail.seq : item.chunks + 1;
      let chunkStart = tail ? tail.offset : item.bytes;
      let previousLink = tail
        ? seq > 1
          ? Buffer.from((await findChunk(database.db, itemId, seq - 1))?.chain ?? chainStart(itemId))
          : chainStart(itemId)
        : Buffer.from(item.chain);
      const pieces: Buffer[] = tail
        ? [openChunk(key, chunkContext(itemId, tail.seq, false), tail.sealed)]
        : [];
      let buffered = pieces[0]?.length ?? 0;
      let checked = item.bytes > 0;
      // The whole file's SHA-256 as its bytes arrive, while its requests come to this process; an
      // upload continued elsewhere (another process, a restart) is hashed from the store at the end.
      if (item.bytes === 0) hashing.set(itemId, { hash: createHash('sha256'), upTo: 0 });
      const running = hashing.get(itemId);
      // Oldest first: uploads left unfinished do not keep their hashes here for ever.
      for (const old of hashing.keys()) {
        if (hashing.size <= HASHING_KEPT) break;
        hashing.delete(old);
      }

      /**
       * Sealed chunks not yet stored, and the item as it must stand before them: a few are stored
       * in one transaction (fewer round trips and commits), never more than UPLOAD_BATCH in memory.
       */
      let batch: (ChunkRow & { plain: Buffer })[] = [];
      let batchBefore: { chunks: number; bytes: number } | null = null;

      /** Seals the chunk at `seq` (the tail's place, if one was kept there) and moves the chain on. */
      const seal = (plain: Buffer) => {
        if (!checked) {
          if (!bytesAre(plain, item.contentType))
            throw new AppError('UNSUPPORTED_MEDIA_TYPE', `The bytes are not ${item.contentType}.`);
          checked = true;
        }
        if (!batchBefore) {
          const tailHere = tail && seq === tail.seq ? tail.length : 0;
          batchBefore = tailHere
            ? { chunks: seq, bytes: chunkStart + tailHere }
            : { chunks: seq - 1, bytes: chunkStart };
        }
        const hash = sha256(plain);
        previousLink = chainNext(previousLink, hash);
        batch.push({
          itemId,
          seq,
          offset: chunkStart,
          length: plain.length,
          final: false,
          sha256: hash,
          chain: previousLink,
          sealed: sealChunk(key, chunkContext(itemId, seq, false), plain),
          plain,
        });
      };

      /** Stores the sealed chunks, if the item still stands where they start. */
      const flush = async () => {
        const rows = batch;
        const before = batchBefore;
        const last = rows.at(-1);
        if (!last || !before) return;
        batch = [];
        batchBefore = null;
        await database.transaction(async ({ db }) => {
          const now = await findItem(db, coalitionId, itemId, true);
          // Another request moved it on meanwhile (a second process): this one stops.
          if (!now || now.chunks !== before.chunks || now.bytes !== before.bytes)
            throw new AppError('CONFLICT', 'The upload moved on in another request.');
          await putChunks(
            db,
            rows.map(({ plain: _, ...row }) => row),
          );
          await updateItem(db, itemId, {
            chunks: last.seq,
            bytes: last.offset + last.length,
            chain: last.chain,
            lastReceivedAt: deps.now(),
          });
        });
        // Whole chunks, in order, are in the running hash; a part chunk waits until it is whole.
        for (const row of rows) {
          if (!running || row.length !== CHUNK_BYTES) continue;
          if (row.offset !== running.upTo) {
            hashing.delete(itemId);
            continue;
          }
          running.hash.update(row.plain);
          running.upTo += CHUNK_BYTES;
        }
      };

      let failure: unknown = null;
      try {
        for await (const piece of stream) {
          if (chunkStart + buffered + piece.length > expected)
            throw new AppError('PAYLOAD_TOO_LARGE', `This upload was announced as ${expected} bytes.`, {
              limitBytes: expected,
            });
          pieces.push(Buffer.from(piece));
          buffered += piece.length;
          if (!checked && buffered >= 16) {
            const head = Buffer.concat(pieces).subarray(0, 16);
            if (!bytesAre(head, item.contentType))
              throw new AppError('UNSUPPORTED_MEDIA_TYPE', `The bytes are not ${item.contentType}.`);
            checked = true;
          }
          while (buffered >= CHUNK_BYTES) {
            const all = Buffer.concat(pieces);
            seal(all.subarray(0, CHUNK_BYTES));
            seq += 1;
            chunkStart += CHUNK_BYTES;
            pieces.length = 0;
            if (all.length > CHUNK_BYTES) pieces.push(all.subarray(CHUNK_BYTES));
            buffered = all.length - CHUNK_BYTES;
            if (batch.length >= UPLOAD_BATCH) await flush();
          }
        }
      } catch (error) {
        failure = error;
      }
      // What arrived before the end or a cut is kept (sealed), unless it was refused for what it is.
      // (A stream cut before its first bytes could be told apart is sent again from the start.)
      const refused = failure instanceof AppError && failure.code !== 'CONFLICT';
      if (!refused) {
        if (buffered > 0 && (checked || !failure)) seal(Buffer.concat(pieces));
        await flush();
      }
      if (failure) throw failure;
      const stored = await findItem(database.db, coalitionId, itemId);
      if (stored && item.expectedBytes !== null && stored.bytes === item.expectedBytes)
        await completeUpload(stored);
      return stored?.bytes ?? item.bytes;

      async function completeUpload(done: EvidenceItemRow) {
        await database.transaction(async ({ db }) => {
          const locked = await findItem(db, coalitionId, itemId, true);
          if (!locked || locked.state === 'complete') return;
          const lastChunk = await findChunk(db, itemId, locked.chunks);
          if (!lastChunk) throw new Error('the last chunk is missing');
          const plain = openChunk(key, chunkContext(itemId, lastChunk.seq, false), lastChunk.sealed);
          await resealChunk(
            db,
            itemId,
            lastChunk.seq,
            sealChunk(key, chunkContext(itemId, lastChunk.seq, true), plain),
          );
          const kept = hashing.get(itemId);
          hashing.delete(itemId);
          let digest: Buffer;
          if (kept && kept.upTo === lastChunk.offset) digest = kept.hash.update(plain).digest();
          else if (kept && kept.upTo === lastChunk.offset + lastChunk.length) digest = kept.hash.digest();
          else {
            // Continued in another process: read back as stored (every seal, hash and link checked).
            const whole = createHash('sha256');
            for await (const chunk of openedChunks(db, locked)) whole.update(chunk.plain);
            digest = whole.digest();
          }
          const mismatch = done.clientSha256 && !digest.equals(Buffer.from(done.clientSha256));
          await updateItem(db, itemId, { state: 'complete', sha256: digest, completedAt: deps.now() });
          await appendCustody(
            db,
            itemId,
            actor,
            'completed',
            {
              sha256: digest.toString('hex'),
              bytes: locked.bytes,
              matchesUploader: mismatch ? false : done.clientSha256 ? true : null,
            },
            deps.now(),
          );
        });
      }
    },

    /** The items of an incident this person may know of. */
    async list(coalitionId: string, actor: Actor, incidentId: string): Promise<ItemFacts[]> {
      const rows = await listItemsOfIncident(database.db, coalitionId, incidentId);
      return rows
        .filter(({ item }) => seesEvidenceFacts(actor, item))
        .map(({ item, recorder }) => factsOf(item, actor, recorder));
    },

    /** The coalition's latest items this person may know of, newest first. */
    async recent(coalitionId: string, actor: Actor): Promise<ItemFacts[]> {
      const rows = await recentItems(database.db, coalitionId, 200);
      return rows
        .filter(({ item }) => seesEvidenceFacts(actor, item))
        .map(({ item, recorder }) => factsOf(item, actor, recorder));
    },

    async facts(coalitionId: string, actor: Actor, itemId: string): Promise<ItemFacts> {
      return factsOf(await visible(database.db, coalitionId, actor, itemId), actor);
    },

    /**
     * The original, for the legal team: its type and length, and its bytes as a stream read chunk
     * by chunk from the store (verified as they are read). Written into the custody log and the
     * audit log before a byte leaves.
     */
    async original(coalitionId: string, actor: Actor, itemId: string, purpose: 'viewed' | 'downloaded') {
      if (!opensOriginals(actor)) throw notFound();
      const at = now();
      const item = await database.transaction(async ({ db }) => {
        const found = await visible(db, coalitionId, actor, itemId, true);
        if (found.deletedAt || found.chunks === 0)
          throw new AppError('GONE', 'This original is no longer kept.');
        await appendCustody(db, itemId, actor, purpose, {}, at);
        await recordAudit(db, {
          coalitionId,
          actorId: actor.userId,
          action: purpose === 'viewed' ? 'evidence.viewed' : 'evidence.downloaded',
          subjectType: 'evidence_item',
          subjectId: itemId,
          at,
        });
        return found;
      });
      return {
        contentType: item.contentType,
        bytes: item.bytes,
        stream: (async function* () {
          for await (const chunk of openedChunks(database.db, item)) yield chunk.plain;
        })(),
      };
    },

    /** The custody log, and whether it holds; reading it is itself audited. */
    async custody(coalitionId: string, actor: Actor, itemId: string) {
      if (!opensOriginals(actor)) throw notFound();
      const at = now();
      await database.transaction(async ({ db }) => {
        await visible(db, coalitionId, actor, itemId);
        await recordAudit(db, {
          coalitionId,
          actorId: actor.userId,
          action: 'evidence.custody_read',
          subjectType: 'evidence_item',
          subjectId: itemId,
          at,
        });
      });
      const rows = await listCustody(database.db, itemId);
      const entries = rows.map(({ row }) => toEntry(row));
      return {
        entries: rows.map(({ row, actor: name }) => ({
          seq: row.seq,
          at: row.at.toISOString(),
          event: row.event as CustodyEvent,
          actor: name,
          role: row.actorRole,
          session: row.sessionTag,
          details: openDetails(itemId, row.details),
          hash: Buffer.from(row.hash).toString('hex'),
        })),
        check: verifyCustody(
          entries.map((entry, index) => ({
            ...entry,
            previousHash: rows[index]?.row.previousHash ?? null,
            hash: rows[index]?.row.hash ?? new Uint8Array(),
          })),
        ),
      };
    },

    /** A legal hold (legal team): the retention job never deletes a held original. */
    async hold(
      coalitionId: string,
      actor: Actor,
      itemId: string,
      set: boolean,
      reason: string,
    ): Promise<ItemFacts> {
      if (!opensOriginals(actor)) throw notFound();
      const at = now();
      return database.transaction(async ({ db }) => {
        const item = await visible(db, coalitionId, actor, itemId, true);
        if (item.deletedAt) throw new AppError('GONE', 'This original is no longer kept.');
        if (set === (item.holdAt !== null)) return factsOf(item, actor);
        await updateItem(db, itemId, {
          holdReason: set ? box.seal(reason, holdContext(itemId)) : null,
          holdBy: set ? actor.userId : null,
          holdAt: set ? at : null,
        });
        // The reason may name a case or a person: sealed in the log too (the hash covers the sealed text).
        await appendCustody(
          db,
          itemId,
          actor,
          set ? 'hold_set' : 'hold_lifted',
          { reason: box.seal(reason, holdContext(itemId)) },
          at,
        );
        await recordAudit(db, {
          coalitionId,
          actorId: actor.userId,
          action: set ? 'evidence.hold_set' : 'evidence.hold_lifted',
          subjectType: 'evidence_item',
          subjectId: itemId,
          at,
        });
        const changed = await findItem(db, coalitionId, itemId);
        if (!changed) throw new Error('evidence item vanished');
        return factsOf(changed, actor);
      });
    },

    /**
     * Deletes the originals past their retention that nobody holds: their chunks go, the item's
     * facts and its custody log stay (with the deletion in it). Returns how many.
     */
    async purgeExpired(): Promise<number> {
      const at = now();
      let purged = 0;
      for (;;) {
        const due = await expiredItems(database.db, at, 50);
        if (due.length === 0) return purged;
        for (const { id, coalitionId } of due) {
          const done = await database.transaction(async ({ db }) => {
            const item = await findItem(db, coalitionId, id, true);
            // Held or deleted since it was listed: left as it is.
            if (!item || item.holdAt || item.deletedAt) return false;
            await deleteChunks(db, id);
            await updateItem(db, id, { deletedAt: at });
            await appendCustody(db, id, null, 'deleted', { reason: 'retention' }, at);
            await recordAudit(db, {
              coalitionId,
              actorId: null,
              action: 'evidence.deleted',
              subjectType: 'evidence_item',
              subjectId: id,
              at,
            });
            return true;
          });
          if (done) purged += 1;
        }
      }
    },

    /** Checks every chunk's seal, hash and chain, the whole hash and the custody log. */
    async verify(coalitionId: string, itemId: string): Promise<Verification> {
      const item = await findItem(database.db, coalitionId, itemId);
      if (!item) throw notFound();
      let verified = 0;
      let bytes = 0;
      let lastLink = chainStart(item.id);
      const whole = createHash('sha256');
      try {
        for await (const chunk of openedChunks(database.db, item)) {
          verified = chunk.seq;
          bytes += chunk.plain.length;
          lastLink = chunk.link;
          whole.update(chunk.plain);
        }
      } catch (error) {
        if (error instanceof ChunkFailure)
          return {
            ok: false,
            failure: { at: 'chunk', seq: error.seq, reason: error.reason },
            verifiedChunks: verified,
          };
        throw error;
      }
      if (!item.deletedAt) {
        if (verified !== item.chunks || bytes !== item.bytes)
          return { ok: false, failure: { at: 'item', reason: 'length' }, verifiedChunks: verified };
        if (!lastLink.equals(Buffer.from(item.chain)))
          return { ok: false, failure: { at: 'item', reason: 'chain' }, verifiedChunks: verified };
      }
      const digest = whole.digest();
      if (
        item.state === 'complete' &&
        !item.deletedAt &&
        item.sha256 &&
        !digest.equals(Buffer.from(item.sha256))
      )
        return { ok: false, failure: { at: 'item', reason: 'sha256' }, verifiedChunks: verified };
      const custody = await listCustody(database.db, itemId);
      const check = verifyCustody(
        custody.map(({ row }) => ({ ...toEntry(row), previousHash: row.previousHash, hash: row.hash })),
      );
      if (!check.ok)
        return {
          ok: false,
          failure: { at: 'custody', seq: check.seq, reason: check.reason },
          verifiedChunks: verified,
        };
      return {
        ok: true,
        chunks: verified,
        bytes,
        complete: item.state === 'complete',
        sha256: item.state === 'complete' ? digest.toString('hex') : null,
      };
    },

    /**
     * An export for counsel (export.ts): the items chosen — an incident's, or these ids, all of
     * this coalition (else none: 404) — each with its facts, its custody log with this export in
     * it, and a reader of its original that checks every chunk as it reads. The export is written
     * into each item's custody log and the audit log before a byte leaves.
     */
    async exportSelection(
      coalitionId: string,
      actor: Actor,
      selection: { incidentId: string } | { itemIds: readonly string[] },
      bundleId: string,
    ): Promise<ExportedItem[]> {
      if (!opensOriginals(actor)) throw notFound();
      const at = now();
      const chosen = await database.transaction(async ({ db }) => {
        const found = await itemsForExport(db, coalitionId, selection);
        const wanted = 'itemIds' in selection ? new Set(selection.itemIds).size : 1;
        if (
          found.length === 0 ||
          found.length < wanted ||
          !found.every(({ item }) => seesEvidenceFacts(actor, item))
        )
          throw new AppError('NOT_FOUND', 'No evidence items to export with these ids.');
        for (const { item } of found) {
          await appendCustody(db, item.id, actor, 'exported', { bundleId }, at);
          await recordAudit(db, {
            coalitionId,
            actorId: actor.userId,
            action: 'evidence.exported',
            subjectType: 'evidence_item',
            subjectId: item.id,
            at,
          });
        }
        return found;
      });
      const exported: ExportedItem[] = [];
      for (const { item, recorder } of chosen) {
        const rows = await listCustody(database.db, item.id);
        const custody = rows.map(({ row }) => ({
          ...toEntry(row),
          previousHash: row.previousHash,
          hash: row.hash,
        }));
        exported.push({
          facts: factsOf(item, actor, recorder),
          custody,
          custodyCheck: verifyCustody(custody),
          original:
            item.deletedAt || item.chunks === 0
              ? null
              : async function* () {
                  try {
                    for await (const chunk of openedChunks(database.db, item))
                      yield { seq: chunk.seq, bytes: chunk.plain, link: chunk.link };
                  } catch (error) {
                    if (!(error instanceof ChunkFailure)) throw error;
                    yield { failure: { seq: error.seq, reason: error.reason } };
                  }
                },
        });
      }
      return exported;
    },
  };
}

/** An item as an export for counsel reads it (exportSelection). */
export interface ExportedItem {
  facts: ItemFacts;
  custody: (CustodyEntry & { previousHash: Uint8Array | null; hash: Uint8Array })[];
  custodyCheck: ReturnType<typeof verifyCustody>;
  /**
   * Its original, chunk by chunk, each opened and checked (seal, hash, chain) as it is read; a
   * chunk that fails ends it with the failure. Null when there are no bytes (deleted, none sent).
   */
  original:
    | null
    | (() => AsyncGenerator<
        | { seq: number; bytes: Buffer; link: Buffer }
        | { failure: { seq: number; reason: ChunkFailure['reason'] } }
      >);
}

class ChunkFailure extends Error {
  constructor(
    readonly seq: number,
    readonly reason: 'seal' | 'hash' | 'chain' | 'missing',
  ) {
    super(`chunk ${seq}: ${reason}`);
  }
}

function toEntry(row: Awaited<ReturnType<typeof listCustody>>[number]['row']): CustodyEntry {
  return {
    itemId: row.itemId,
    seq: row.seq,
    at: row.at.toISOString(),
    event: row.event as CustodyEvent,
    actorId: row.actorId,
    actorRole: row.actorRole,
    sessionTag: row.sessionTag,
    details: row.details,
  };
}

export type EvidenceService = ReturnType<typeof createEvidenceService>;
