import { createHash } from 'node:crypto';
import type { AuditAction } from '../../../shared/admin.js';
import { DOCUMENT_MAX_BYTES } from '../../../shared/case-documents.js';
import type { EvidenceItem, EvidenceItemKind, WorkingCopy } from '../../../shared/evidence.js';
import { NOTE_MAX_BYTES } from '../../../shared/evidence-notes.js';
import type { SecretBox } from '../../crypto/secret-box.js';
import type { Database, Drizzle } from '../../db/database.js';
import { AppError } from '../../http/errors.js';
import { recordAudit } from '../access/audit.js';
import { type ChunkStore, databaseChunkStore, type KeptChunk, type StoredChunk } from './chunk-store.js';
import { type CustodyEntry, type CustodyEvent, custodyHash, verifyCustody } from './custody.js';
import { opensOriginals, seesEvidenceFacts } from './evidence.policy.js';
import {
  type EvidenceItemRow,
  findItem,
  insertCustody,
  insertItem,
  lastCustody,
  listCustody,
  putChunks,
  type StoredItemRow,
  updateItem,
} from './evidence.repo.js';
import type { Actor, StartInput } from './evidence.service.js';
import {
  ChunkSealing,
  chainNext,
  chainStart,
  chunkContext,
  newItemKey,
  openChunk,
  SealBroken,
  sealChunk,
  sha256,
} from './sealing.js';

/**
 * What every evidence use case (recording, uploading, reading, holding) does
 * the same way: an item's facts as a person may know them, its key, its
 * chunks stored and read back checked, and its chain of custody.
 */

/** The most an original of each kind may hold. */
export const EVIDENCE_MAX_BYTES: Record<EvidenceItemKind, number> = {
  video: 2 * 1024 ** 3,
  audio: 512 * 1024 ** 2,
  photo: 64 * 1024 ** 2,
  note: NOTE_MAX_BYTES,
  document: DOCUMENT_MAX_BYTES,
};

/** A recording with nothing new for this long stopped before its end (a phone taken, a link lost): partial. */
export const STALLED_MS = 2 * 60_000;
/** Chunks read at a time when streaming an original (each at most MAX_CHUNK_BYTES). */
const READ_BATCH = 4;
const keyContext = (itemId: string) => `evidence-key:${itemId}`;
export const holdContext = (itemId: string) => `evidence-hold:${itemId}`;
export const hex = (bytes: Uint8Array | null) => (bytes ? Buffer.from(bytes).toString('hex') : null);

/** A chunk as it is stored: sealed, with the hash of its bytes and the chain after it. */
export type ChunkRow = StoredChunk;

export class ChunkFailure extends Error {
  constructor(
    readonly seq: number,
    readonly reason: 'seal' | 'hash' | 'chain' | 'missing',
  ) {
    super(`chunk ${seq}: ${reason}`);
  }
}

/** What an item's facts say of its working copy: only a complete photo still kept has one. */
function workingCopyFacts(item: EvidenceItemRow): WorkingCopy | null {
  if (item.kind !== 'photo' || item.state !== 'complete' || item.deletedAt) return null;
  if (item.workingCopy === null) return { state: 'pending' };
  if (item.workingCopy === 'ready')
    return { state: 'ready', width: item.workingCopyWidth ?? 0, height: item.workingCopyHeight ?? 0 };
  return { state: 'none', reason: item.workingCopy };
}

export const notFound = () => new AppError('NOT_FOUND', 'No evidence item with this id.');

export interface ItemDeps {
  database: Database;
  box: SecretBox;
  now: () => Date;
  retentionDays: number;
  /** Where sealed chunks are kept (the database unless told otherwise). */
  store?: ChunkStore | undefined;
}

export function createItems(deps: ItemDeps) {
  const { box, now } = deps;
  const store = deps.store ?? databaseChunkStore;
  const sessionTag = (actor: Actor | null) =>
    actor ? box.digest(actor.tokenHash, 'evidence-session').slice(0, 16) : null;
  const actingRole = (actor: Actor, wanted: string[]) =>
    actor.roles.find((role) => wanted.includes(role)) ?? actor.roles[0] ?? null;
  const itemKey = (item: Pick<StoredItemRow, 'id' | 'wrappedKey'>) =>
    box.openBytes(item.wrappedKey, keyContext(item.id));

  /** Appends an event to the item's chain of custody, its hash over the row before. */
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
      ...entry,
      at,
      previousHash: previous?.hash ?? null,
      hash: custodyHash(previous?.hash ?? null, entry),
    });
  }

  /** The item's custody log as stored, in order, each row with its hashes, and whether it holds. */
  async function custodyLog(db: Drizzle, itemId: string) {
    const rows = await listCustody(db, itemId);
    const entries = rows.map(({ row, actor }) => ({
      entry: {
        itemId: row.itemId,
        seq: row.seq,
        at: row.at.toISOString(),
        event: row.event as CustodyEvent,
        actorId: row.actorId,
        actorRole: row.actorRole,
        sessionTag: row.sessionTag,
        details: row.details,
        previousHash: row.previousHash,
        hash: row.hash,
      },
      actorName: actor,
    }));
    return { entries, check: verifyCustody(entries.map(({ entry }) => entry)) };
  }

  /** The item, if this person may see that it exists. */
  async function visible(db: Drizzle, coalitionId: string, actor: Actor, id: string, lock = false) {
    const item = await findItem(db, coalitionId, id, lock);
    if (!item || !seesEvidenceFacts(actor, item)) throw notFound();
    return item;
  }

  function factsOf(item: EvidenceItemRow, actor: Actor, recorder?: string): EvidenceItem {
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
      workingCopy: workingCopyFacts(item),
      ...(opensOriginals(actor) && recorder ? { recorder: { name: recorder, role: item.recordedRole } } : {}),
    };
  }

  /** The facts of an item as it stands now (after a change in this transaction). */
  async function currentFacts(db: Drizzle, coalitionId: string, itemId: string, actor: Actor) {
    const item = await findItem(db, coalitionId, itemId);
    if (!item) throw new Error('evidence item vanished');
    return factsOf(item, actor);
  }

  /**
   * A new item on an incident (or a case's document: `caseId` instead), with its own key (sealed by
   * the server key), its retention, and the first row of its custody log.
   */
  async function createItem(
    db: Drizzle,
    coalitionId: string,
    actor: Actor,
    input: Omit<StartInput, 'incidentId' | 'kind'> & {
      incidentId: string | null;
      caseId?: string | undefined;
      kind: EvidenceItemKind;
      id: string;
      assignmentId: string | null;
      expectedBytes?: number | undefined;
      clientSha256?: string | undefined;
    },
    at: Date,
  ): Promise<void> {
    await insertItem(db, {
      id: input.id,
      coalitionId,
      incidentId: input.incidentId,
      caseId: input.caseId ?? null,
      assignmentId: input.assignmentId,
      recordedBy: actor.userId,
      recordedRole: input.caseId
        ? (actingRole(actor, ['legal']) ?? 'legal')
        : (actingRole(actor, ['responder', 'dispatcher']) ?? 'responder'),
      kind: input.kind,
      source: input.source,
      contentType: input.contentType,
      wrappedKey: box.sealBytes(newItemKey(), keyContext(input.id)),
      chain: chainStart(input.id),
      expectedBytes: input.expectedBytes ?? null,
      clientSha256: input.clientSha256 ? Buffer.from(input.clientSha256, 'hex') : null,
      deviceStartedAt: input.deviceStartedAt ? new Date(input.deviceStartedAt) : null,
      receivedAt: at,
      lastReceivedAt: at,
      retainUntil: new Date(at.getTime() + deps.retentionDays * 86_400_000),
    });
    await appendCustody(
      db,
      input.id,
      actor,
      'received',
      { kind: input.kind, contentType: input.contentType },
      at,
    );
  }

  /** Seals a chunk's bytes at its place after `previousLink`; returns the row and the chain after it. */
  function sealAt(
    item: Pick<StoredItemRow, 'id'>,
    key: Uint8Array,
    place: { seq: number; offset: number },
    previousLink: Uint8Array,
    plain: Buffer,
  ): ChunkRow & { chain: Buffer } {
    // One pass: the seal and the plaintext's hash (for the chain) as the bytes are encrypted.
    const sealing = new ChunkSealing(key, chunkContext(item.id, place.seq, false));
    sealing.update(plain);
    const { sealed, sha256: hash } = sealing.finish();
    return {
      itemId: item.id,
      seq: place.seq,
      offset: place.offset,
      length: plain.length,
      final: false,
      sha256: hash,
      chain: chainNext(previousLink, hash),
      sealed: Buffer.concat(sealed),
    };
  }

  /**
   * Stores sealed chunks (replacing a part chunk kept at the first place, an upload's tail) at
   * `at`, the time each is kept as received, and moves the item on to the last of them, in the
   * caller's transaction.
   */
  async function storeChunks(db: Drizzle, itemId: string, rows: readonly ChunkRow[], at: Date) {
    await recordChunks(db, itemId, await store.keep(rows), at);
  }

  /** Records chunks the store already keeps (storeChunks, or an upload keeping ahead) and moves the item on. */
  async function recordChunks(db: Drizzle, itemId: string, kept: readonly KeptChunk[], at: Date) {
    const last = kept.at(-1);
    if (!last) return;
    await putChunks(
      db,
      kept.map((row) => ({ ...row, receivedAt: at })),
    );
    await updateItem(db, itemId, {
      chunks: last.seq,
      bytes: last.offset + last.length,
      chain: last.chain,
      lastReceivedAt: at,
      // Slices that waited on a phone without a connection: the item was only paused.
      state: 'receiving',
    });
  }

  /** Seals the item's last chunk again as the last (a chunk moved after it no longer verifies). */
  async function sealLast(db: Drizzle, item: Pick<StoredItemRow, 'id' | 'chunks'>, key: Uint8Array) {
    const [last] = await store.read(db, item.id, item.chunks, 1);
    if (last?.seq !== item.chunks) throw new Error('the last chunk is missing');
    const plain = openChunk(key, chunkContext(item.id, last.seq, false), last.sealed);
    await store.sealAsLast(
      db,
      item.id,
      last.seq,
      sealChunk(key, chunkContext(item.id, last.seq, true), plain),
    );
    return { last, plain };
  }

  /** Reads an item's chunks in order, opening each: a broken seal, hash or chain stops it. */
  async function* openedChunks(db: Drizzle, item: Pick<StoredItemRow, 'id' | 'wrappedKey'>) {
    const key = itemKey(item);
    let link = chainStart(item.id);
    let next = 1;
    for (;;) {
      const rows = await store.read(db, item.id, next, READ_BATCH);
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
        yield { seq: row.seq, plain, final: row.final, link, receivedAt: row.receivedAt };
        next += 1;
      }
      // Fewer than asked for: that was the end.
      if (rows.length < READ_BATCH) return;
    }
  }

  /** The SHA-256 of the whole original as stored, every seal, hash and link checked on the way. */
  async function storedSha256(db: Drizzle, item: Pick<StoredItemRow, 'id' | 'wrappedKey'>): Promise<Buffer> {
    const whole = createHash('sha256');
    for await (const chunk of openedChunks(db, item)) whole.update(chunk.plain);
    return whole.digest();
  }

  /** Writes a person's act on an item (or the server's own, with no actor) into the audit log. */
  const audit = (
    db: Drizzle,
    coalitionId: string,
    actor: Actor | null,
    action: AuditAction,
    itemId: string,
    at: Date,
  ) =>
    recordAudit(db, {
      coalitionId,
      actorId: actor?.userId ?? null,
      action,
      subjectType: 'evidence_item',
      subjectId: itemId,
      at,
    });

  return {
    database: deps.database,
    store,
    box,
    now,
    actingRole,
    itemKey,
    appendCustody,
    custodyLog,
    visible,
    factsOf,
    currentFacts,
    createItem,
    sealAt,
    storeChunks,
    recordChunks,
    sealLast,
    openedChunks,
    storedSha256,
    audit,
  };
}

export type Items = ReturnType<typeof createItems>;
