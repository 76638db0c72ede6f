import { randomUUID } from 'node:crypto';
import { close, fdatasync, open as openFd, writev } from 'node:fs';
import { mkdir, open, readdir, readFile, rm, unlink } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import type { Drizzle } from '../../db/database.js';
import { blobsOf, chunksFrom, deleteChunks, resealChunk } from './evidence.repo.js';

const openFile = promisify(openFd);
const writevFile = promisify(writev);
const datasyncFile = promisify(fdatasync);
const closeFile = promisify(close);

type ChunkRow = Awaited<ReturnType<typeof chunksFrom>>[number];
/** A chunk's sealed bytes, whole or as parts to be kept one after the other (ChunkSealing). */
export type Sealed = Uint8Array | readonly Uint8Array[];
const whole = (sealed: Sealed): Uint8Array => (sealed instanceof Uint8Array ? sealed : Buffer.concat(sealed));
const partsOf = (sealed: Sealed): readonly Uint8Array[] => (sealed instanceof Uint8Array ? [sealed] : sealed);

/** A chunk as it is given to the store: its place, the hash of its bytes, the chain after it, its sealed bytes. */
export type StoredChunk = Omit<ChunkRow, 'sealed' | 'blob' | 'receivedAt'> & {
  sealed: Sealed;
  /** When the server stored it. */
  receivedAt?: Date | null;
};
/**
 * A chunk whose sealed bytes are where the store keeps them: in the row itself (the database), or
 * in a durable file the row names. Recorded as a row of `evidence_chunks` (evidence.repo putChunks).
 */
export type KeptChunk = Omit<StoredChunk, 'sealed'> & { sealed: Uint8Array | null; blob: string | null };

/** A chunk read back: the same, its sealed bytes from wherever they are kept. */
export type ReadChunk = StoredChunk & { sealed: Uint8Array; receivedAt: Date | null };

/**
 * Where the sealed chunks of originals are kept. Every call is given the
 * transaction it belongs to, so that a chunk and the item's progress are
 * recorded together or not at all; the chunk's place, hashes and chain are
 * always rows of `evidence_chunks`, so verification and the custody log
 * never rest on the store's word.
 *
 * The database is the store by default: one thing to back up, replicated
 * with PostgreSQL. A folder (`EVIDENCE_STORE_DIR`) is the other store; an
 * S3-compatible object store can implement the same calls the same way
 * (objects written before the transaction that names them, never overwritten,
 * let go only after the transaction that forgets them).
 */
export interface ChunkStore {
  /**
   * Puts chunks' sealed bytes where this store keeps them, durably, before a transaction records
   * them (recording replaces a part chunk kept at the same place, an upload's tail). Needs no
   * transaction: an upload keeps one batch while the one before is being recorded.
   */
  keep(chunks: readonly StoredChunk[]): Promise<KeptChunk[]>;
  /** Chunks from `fromSeq` on, in order, at most `count` (an original is read as a stream, never whole). */
  read(db: Drizzle, itemId: string, fromSeq: number, count: number): Promise<ReadChunk[]>;
  /** Replaces a chunk's seal with the one that marks it as the last. */
  sealAsLast(db: Drizzle, itemId: string, seq: number, sealed: Uint8Array): Promise<void>;
  /** Forgets every chunk of an item (retention). */
  remove(db: Drizzle, itemId: string): Promise<void>;
  /**
   * After a transaction that replaced or forgot chunks has committed (an item completed, one
   * purged): lets go of the bytes no row names any more.
   */
  release(db: Drizzle, itemId: string): Promise<void>;
}

/** Sealed chunks as rows of `evidence_chunks` (stored out of line, uncompressed: they are ciphertext). */
export const databaseChunkStore: ChunkStore = {
  keep: async (chunks) => chunks.map((chunk) => ({ ...chunk, sealed: whole(chunk.sealed), blob: null })),
  async read(db, itemId, fromSeq, count) {
    const rows = await chunksFrom(db, itemId, fromSeq, count);
    return rows.map(({ sealed, blob, ...row }) => {
      if (!sealed)
        throw new Error(
          `evidence chunk ${itemId}/${row.seq} is kept in a folder (${blob}): set EVIDENCE_STORE_DIR`,
        );
      return { ...row, sealed };
    });
  },
  sealAsLast: (db, itemId, seq, sealed) => resealChunk(db, itemId, seq, { sealed, blob: null }),
  remove: (db, itemId) => deleteChunks(db, itemId),
  release: async () => {},
};

/**
 * Sealed chunks as files in a folder, one per chunk, never overwritten: each write makes a new
 * file (its name in the chunk's row), made durable (fsync, and the folder's entry) before the
 * transaction naming it commits. A transaction that does not commit leaves a file no row names,
 * and the old one in place; `release` deletes such files once an item is complete or purged.
 * Chunks stored in the database before the folder was configured are still read from there.
 */
export function createFolderChunkStore(root: string): ChunkStore {
  const folderOf = (itemId: string) => path.join(root, itemId.slice(0, 2), itemId);
  const fileOf = (itemId: string, blob: string) => path.join(folderOf(itemId), blob);

  async function put(itemId: string, seq: number, sealed: Sealed): Promise<string> {
    const blob = `${seq}.${randomUUID()}`;
    // File descriptors rather than FileHandles: a few calls per chunk, and the main thread's time
    // is what an upload runs short of.
    const fd = await openFile(fileOf(itemId, blob), 'wx', 0o600);
    try {
      const parts = partsOf(sealed) as NodeJS.ArrayBufferView[];
      const { bytesWritten: written } = await writevFile(fd, parts);
      const length = parts.reduce((sum, part) => sum + part.byteLength, 0);
      if (written !== length) throw new Error(`evidence chunk file: ${written} of ${length} bytes written`);
      await datasyncFile(fd);
    } finally {
      await closeFile(fd);
    }
    return blob;
  }

  /** The folder's entries made durable too (a new file's name survives a crash). */
  async function syncFolder(itemId: string) {
    const folder = await open(folderOf(itemId), 'r');
    try {
      await folder.sync();
    } finally {
      await folder.close();
    }
  }

  return {
    async keep(chunks) {
      const itemId = chunks[0]?.itemId;
      if (!itemId) return [];
      await mkdir(folderOf(itemId), { recursive: true, mode: 0o700 });
      // Written and synced side by side: the disk may flush them together.
      const rows: KeptChunk[] = await Promise.all(
        chunks.map(async ({ sealed, ...chunk }) => ({
          ...chunk,
          sealed: null,
          blob: await put(chunk.itemId, chunk.seq, sealed),
        })),
      );
      await syncFolder(itemId);
      return rows;
    },
    async read(db, itemId, fromSeq, count) {
      const rows = await chunksFrom(db, itemId, fromSeq, count);
      const read: ReadChunk[] = [];
      for (const { sealed, blob, ...row } of rows) {
        if (sealed) read.push({ ...row, sealed });
        else if (blob) {
          // A file gone is read as nothing: the chunk then fails its seal, and verification names it.
          const bytes = await readFile(fileOf(itemId, blob)).catch(() => new Uint8Array());
          read.push({ ...row, sealed: bytes });
        }
      }
      return read;
    },
    async sealAsLast(db, itemId, seq, sealed) {
      await mkdir(folderOf(itemId), { recursive: true, mode: 0o700 });
      const blob = await put(itemId, seq, sealed);
      await syncFolder(itemId);
      await resealChunk(db, itemId, seq, { sealed: null, blob });
    },
    remove: (db, itemId) => deleteChunks(db, itemId),
    async release(db, itemId) {
      const named = new Set(await blobsOf(db, itemId));
      const present = await readdir(folderOf(itemId)).catch(() => [] as string[]);
      if (named.size === 0) {
        await rm(folderOf(itemId), { recursive: true, force: true });
        return;
      }
      for (const name of present) if (!named.has(name)) await unlink(fileOf(itemId, name)).catch(() => {});
    },
  };
}
