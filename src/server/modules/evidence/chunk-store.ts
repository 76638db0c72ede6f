import type { Drizzle } from '../../db/database.js';
import { chunksFrom, deleteChunks, putChunks, resealChunk } from './evidence.repo.js';

/** A chunk as it is stored: its place, the hash of its bytes, the chain after it, and its sealed bytes. */
export type StoredChunk = Parameters<typeof putChunks>[1][number];
export type ReadChunk = Awaited<ReturnType<typeof chunksFrom>>[number];

/**
 * Where the sealed chunks of originals are kept. Every call is given the
 * transaction it belongs to, so that a chunk and the item's progress are
 * stored together or not at all.
 *
 * The database is the store today: one thing to back up, replicated with
 * PostgreSQL. An object store (S3-compatible) can implement the same four
 * calls later — its objects written before the transaction that records them
 * commits, named by item and place (so a retried write replaces, never adds),
 * and deleted after the transaction that forgets them — with the chunk's place,
 * hashes and chain still in the database, so that verification and the
 * custody log do not depend on the object store's word.
 */
export interface ChunkStore {
  /** Stores chunks at their places, replacing a part chunk kept there (an upload's tail). */
  write(db: Drizzle, chunks: readonly StoredChunk[]): Promise<void>;
  /** Chunks from `fromSeq` on, in order, at most `count` (an original is read as a stream, never whole). */
  read(db: Drizzle, itemId: string, fromSeq: number, count: number): Promise<ReadChunk[]>;
  /** Replaces a chunk's seal with the one that marks it as the last. */
  sealAsLast(db: Drizzle, itemId: string, seq: number, sealed: Uint8Array): Promise<void>;
  /** Deletes every chunk of an item (retention). */
  remove(db: Drizzle, itemId: string): Promise<void>;
}

/** Sealed chunks as rows of `evidence_chunks` (stored out of line, uncompressed: they are ciphertext). */
export const databaseChunkStore: ChunkStore = {
  write: (db, chunks) => putChunks(db, [...chunks]),
  read: (db, itemId, fromSeq, count) => chunksFrom(db, itemId, fromSeq, count),
  sealAsLast: (db, itemId, seq, sealed) => resealChunk(db, itemId, seq, sealed),
  remove: (db, itemId) => deleteChunks(db, itemId),
};
