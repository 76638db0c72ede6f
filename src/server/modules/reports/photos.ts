import { and, eq, gt, inArray, isNull, lt, or } from 'drizzle-orm';
import sharp from 'sharp';
import type { SecretBox } from '../../crypto/secret-box.js';
import type { Drizzle } from '../../db/database.js';
import { reportPhotos, reports } from '../../db/schema.js';
import { AppError } from '../../http/errors.js';

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
      await deps.db.insert(reportPhotos).values({
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
      const claimed = await db
        .update(reportPhotos)
        .set({ reportId })
        .where(
          and(
            eq(reportPhotos.coalitionId, coalitionId),
            inArray(reportPhotos.id, [...photoIds].slice(0, MAX_PHOTOS_PER_REPORT)),
            isNull(reportPhotos.reportId),
            gt(reportPhotos.createdAt, new Date(now.getTime() - PENDING_PHOTO_MS)),
          ),
        )
        .returning({ id: reportPhotos.id });
      return claimed.length;
    },

    async read(coalitionId, reportId, photoId) {
      const [row] = await deps.db
        .select({ sealed: reportPhotos.sealed, contentType: reportPhotos.contentType })
        .from(reportPhotos)
        .where(
          and(
            eq(reportPhotos.coalitionId, coalitionId),
            eq(reportPhotos.reportId, reportId),
            eq(reportPhotos.id, photoId),
          ),
        );
      if (!row) throw new AppError('NOT_FOUND', 'No such photo (it may have been deleted on schedule).');
      return { data: deps.box.openBytes(row.sealed, context(photoId)), contentType: row.contentType };
    },
  };
}

/**
 * Deletes photos of reports received before the cut-off, and photos never
 * attached to a report. Returns how many.
 */
export async function purgePhotos(db: Drizzle, reportsBefore: Date, pendingBefore: Date): Promise<number> {
  const old = db.select({ id: reports.id }).from(reports).where(lt(reports.receivedAt, reportsBefore));
  const deleted = await db
    .delete(reportPhotos)
    .where(
      or(
        and(isNull(reportPhotos.reportId), lt(reportPhotos.createdAt, pendingBefore)),
        inArray(reportPhotos.reportId, old),
      ),
    )
    .returning({ id: reportPhotos.id });
  return deleted.length;
}
