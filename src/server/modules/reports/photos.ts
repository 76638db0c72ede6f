import sharp from 'sharp';
import type { SecretBox } from '../../crypto/secret-box.js';
import type { Drizzle } from '../../db/database.js';
import { AppError } from '../../http/errors.js';
import { claimPhotos, findPhoto, insertPhoto } from './photos.repo.js';

/** Photos larger than this many pixels are refused before decoding (decompression bombs). */
const MAX_INPUT_PIXELS = 50_000_000;
/** Stored photos fit in this square: enough to see vans and uniforms, small on a phone's data plan. */
const MAX_SIDE = 1600;
/** A photo not attached to a report within this time is deleted. */
export const PENDING_PHOTO_MS = 60 * 60_000;
export const MAX_PHOTOS_PER_REPORT = 3;

const context = (photoId: string) => `report-photo:${photoId}`;

/**
 * Decodes and re-encodes a photo as a new JPEG: pixels only. EXIF (with GPS
 * position, camera serial, time), XMP, IPTC, comments and thumbnails are not
 * carried over — sharp writes no metadata unless asked to — and the picture
 * is turned upright first, since its orientation tag goes too.
 */
export async function reencodePhoto(input: Uint8Array) {
  try {
    const { data, info } = await sharp(input, { limitInputPixels: MAX_INPUT_PIXELS, failOn: 'error' })
      .rotate()
      .resize({ width: MAX_SIDE, height: MAX_SIDE, fit: 'inside', withoutEnlargement: true })
      .jpeg({ quality: 80, mozjpeg: true })
      .toBuffer({ resolveWithObject: true });
    return { data, width: info.width, height: info.height, contentType: 'image/jpeg' };
  } catch {
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
      const photo = await reencodePhoto(input);
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

    async read(coalitionId, reportId, photoId) {
      const row = await findPhoto(deps.db, coalitionId, reportId, photoId);
      if (!row) throw new AppError('NOT_FOUND', 'No such photo (it may have been deleted on schedule).');
      return { data: deps.box.openBytes(row.sealed, context(photoId)), contentType: row.contentType };
    },
  };
}
