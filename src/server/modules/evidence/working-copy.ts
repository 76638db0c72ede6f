import { createHash } from 'node:crypto';
import { z } from 'zod';
import type { WorkingCopyGap } from '../../../shared/evidence.js';
import type { Tx } from '../../db/database.js';
import { AppError } from '../../http/errors.js';
import { declareJob } from '../../jobs/queue.js';
import { type ReencodedPhoto, reencodePhoto, UnreadablePhoto } from '../../media/photo.js';
import { announceEvidenceChange } from './board-events.js';
import {
  type EvidenceItemRow,
  findItem,
  findWorkingCopy,
  insertWorkingCopy,
  photosAwaitingCopy,
  updateItem,
} from './evidence.repo.js';
import type { Actor } from './evidence.service.js';
import { ChunkFailure, type Items } from './items.js';

/**
 * A photo's working copy: what the board and the legal page show instead of
 * the original — a new JPEG of its pixels only, made by the same rule as a
 * report's photos (media/photo.ts), sealed by the server key, deleted with
 * its original. Made by a job after the photo completes, never in the upload
 * request: decoding a 60 MB photo takes seconds of a core, the upload's last
 * answer must not wait on it, and a photo that cannot be decoded (an iPhone's
 * HEIC here) must not touch the original, which is complete and kept either
 * way. The job runs one photo at a time per worker (a bound on decoding
 * memory), is retried if the database fails it, and is enqueued in the
 * transaction that completes the photo, so it is never lost.
 */

export const workingCopyJobType = declareJob({
  name: 'evidence.working-copy',
  payload: z.object({ coalitionId: z.uuid(), itemId: z.uuid() }),
  retryLimit: 3,
  retryDelaySeconds: 30,
});
export type WorkingCopyRequest = z.infer<typeof workingCopyJobType.payload>;

/** Sends the job that makes a photo's working copy: in the caller's transaction when given. */
export type EnqueueWorkingCopy = (request: WorkingCopyRequest, tx?: Tx) => Promise<void>;

/** Photos whose copy is asked for again at a worker's start, at most (older ones first). */
const BACKFILL_LIMIT = 500;
const copyContext = (itemId: string) => `evidence-working-copy:${itemId}`;

export function createWorkingCopies(items: Items, enqueue: EnqueueWorkingCopy) {
  const { database, box, now } = items;

  /** The original as stored, whole (a photo is at most 64 MiB), every chunk checked as it is read. */
  async function originalOf(item: EvidenceItemRow): Promise<Buffer | { storeFailure: string }> {
    const parts: Buffer[] = [];
    try {
      for await (const chunk of items.openedChunks(database.db, item)) parts.push(chunk.plain);
    } catch (error) {
      if (error instanceof ChunkFailure) return { storeFailure: error.message };
      throw error;
    }
    const whole = Buffer.concat(parts);
    const digest = createHash('sha256').update(whole).digest();
    if (!item.sha256 || !digest.equals(Buffer.from(item.sha256))) return { storeFailure: 'sha256' };
    return whole;
  }

  return {
    /** In the transaction that completes an item: a photo's copy is asked for when it commits. */
    async requestWorkingCopyIn(tx: Tx, item: EvidenceItemRow): Promise<void> {
      if (item.kind === 'photo') await enqueue({ coalitionId: item.coalitionId, itemId: item.id }, tx);
    },

    /**
     * Makes a complete photo's working copy, or records why none can be made; either way a row in
     * its chain of custody. Idempotent: a photo that has one (or was found to have none) is left.
     */
    async makeWorkingCopy(coalitionId: string, itemId: string): Promise<void> {
      const item = await findItem(database.db, coalitionId, itemId);
      if (item?.kind !== 'photo' || item.state !== 'complete' || item.deletedAt || item.workingCopy) return;
      const original = await originalOf(item);
      let outcome: { photo: ReencodedPhoto } | { gap: WorkingCopyGap; storeFailure?: string };
      if (!Buffer.isBuffer(original)) outcome = { gap: 'damaged', storeFailure: original.storeFailure };
      else {
        try {
          outcome = { photo: await reencodePhoto(original) };
        } catch (error) {
          if (!(error instanceof UnreadablePhoto)) throw error;
          outcome = { gap: error.reason };
        }
      }
      const at = now();
      await database.transaction(async ({ db, client }) => {
        const locked = await findItem(db, coalitionId, itemId, true);
        // Deleted by retention while it was decoded, or made by another worker: nothing to add.
        if (!locked || locked.deletedAt || locked.workingCopy) return;
        // The board's open incident shows the copy (or why there is none) once this commits.
        await announceEvidenceChange(client, coalitionId, locked.incidentId);
        if ('gap' in outcome) {
          await updateItem(db, itemId, { workingCopy: outcome.gap });
          await items.appendCustody(
            db,
            itemId,
            null,
            'working_copy_not_made',
            { reason: outcome.gap, ...(outcome.storeFailure ? { storeCheck: outcome.storeFailure } : {}) },
            at,
          );
          return;
        }
        const { data, width, height, contentType } = outcome.photo;
        const digest = createHash('sha256').update(data).digest();
        await insertWorkingCopy(db, {
          itemId,
          contentType,
          sha256: digest,
          sealed: box.sealBytes(data, copyContext(itemId)),
        });
        await updateItem(db, itemId, {
          workingCopy: 'ready',
          workingCopyWidth: width,
          workingCopyHeight: height,
        });
        await items.appendCustody(
          db,
          itemId,
          null,
          'working_copy_made',
          { copySha256: digest.toString('hex'), width, height, bytes: data.length },
          at,
        );
      });
    },

    /**
     * At a worker's start: asks again for the copies of complete photos that have none yet (a job
     * that failed for good while the database was away). Returns how many.
     */
    async requestMissingWorkingCopies(): Promise<number> {
      const waiting = await photosAwaitingCopy(database.db, BACKFILL_LIMIT);
      for (const { id, coalitionId } of waiting) await enqueue({ coalitionId, itemId: id });
      return waiting.length;
    },

    /**
     * A photo's working copy, to whoever may know the item exists (the legal team, dispatchers, its
     * recorder); anyone else is told it does not exist. Every showing is in the audit log before a
     * byte leaves.
     */
    async workingCopy(coalitionId: string, actor: Actor, itemId: string) {
      const at = now();
      return database.transaction(async ({ db }) => {
        const item = await items.visible(db, coalitionId, actor, itemId);
        if (item.deletedAt) throw new AppError('GONE', 'This photo is no longer kept.');
        const copy = item.workingCopy === 'ready' ? await findWorkingCopy(db, itemId) : undefined;
        if (!copy)
          throw new AppError(
            'NOT_FOUND',
            'This item has no working copy: only photos have one, once it is made and if it can be.',
          );
        await items.audit(db, coalitionId, actor, 'evidence.working_copy_viewed', itemId, at);
        return {
          contentType: copy.contentType,
          data: Buffer.from(box.openBytes(copy.sealed, copyContext(itemId))),
        };
      });
    },
  };
}
