import type { SecretBox } from '../../crypto/secret-box.js';
import type { Drizzle } from '../../db/database.js';
import { AppError } from '../../http/errors.js';
import { reencodePhoto, UnreadablePhoto } from '../../media/photo.js';
import { claimPhotos, countPhotosOf, findPhoto, insertPhoto } from './photos.repo.js';

/** A photo not attached to a report within this time is deleted. */
export const PENDING_PHOTO_MS = 60 * 60_000;
export const MAX_PHOTOS_PER_REPORT = 3;

const context = (photoId: string) => `report-photo:${photoId}`;

/** A report's photo re-encoded by the one rule (media/photo.ts); a file that is none is refused. */
async function reencodeForReport(input: Uint8Array) {
  try {
    return await reencodePhoto(input);
  } catch (error) {
    if (!(error instanceof UnreadablePhoto)) throw error;
    throw new AppError(
      'VALIDATION',
      'This file is not a photo Faro can read. Send a JPEG, PNG or WebP picture.',
      {
        fields: [{ field: 'photo', message: 'is not a readable image' }],
      },
    );
  }
}

export interface PhotoService {
  /** Re-encodes and stores a photo until a report claims it (or for the given report). */
  accept(
    coalitionId: string,
    input: Uint8Array,
    reportId?: string,
  ): Promise<{ id: string; width: number; height: number }>;
  /** Attaches pending photos to a report (inside its transaction); returns how many were attached. */
  claim(
    db: Drizzle,
    coalitionId: string,
    reportId: string,
    photoIds: readonly string[],
    now: Date,
  ): Promise<number>;
  /** How many of these photos the report has (a report sent again: what its first sending attached). */
  attached(coalitionId: string, reportId: string, photoIds: readonly string[]): Promise<number>;
  /** A report's photo, opened; only for roles allowed restricted fields. */
  read(
    coalitionId: string,
    reportId: string,
    photoId: string,
  ): Promise<{ data: Uint8Array; contentType: string }>;
}

export function createPhotoService(deps: { db: Drizzle; box: SecretBox }): PhotoService {
  return {
    async accept(coalitionId, input, reportId) {
      const photo = await reencodeForReport(input);
      const id = crypto.randomUUID();
      await insertPhoto(deps.db, {
        id,
        coalitionId,
        reportId: reportId ?? null,
        sealed: deps.box.sealBytes(photo.data, context(id)),
        contentType: photo.contentType,
        width: photo.width,
        height: photo.height,
      });
      return { id, width: photo.width, height: photo.height };
    },

    async claim(db, coalitionId, reportId, photoIds, now) {
      if (photoIds.length === 0) return 0;
      return claimPhotos(db, {
        coalitionId,
        reportId,
        photoIds,
        max: MAX_PHOTOS_PER_REPORT,
        madeAfter: new Date(now.getTime() - PENDING_PHOTO_MS),
      });
    },

    attached: (coalitionId, reportId, photoIds) => countPhotosOf(deps.db, coalitionId, reportId, photoIds),

    async read(coalitionId, reportId, photoId) {
      const row = await findPhoto(deps.db, coalitionId, reportId, photoId);
      if (!row) throw new AppError('NOT_FOUND', 'No such photo (it may have been deleted on schedule).');
      return { data: deps.box.openBytes(row.sealed, context(photoId)), contentType: row.contentType };
    },
  };
}
