import { and, eq, gt, inArray, isNull, lt, or } from 'drizzle-orm';
import type { Drizzle } from '../../db/database.js';
import { reportPhotos, reports } from '../../db/schema.js';

/** Stores a sealed photo (pending until a report claims it, or for the given report). */
export async function insertPhoto(db: Drizzle, row: typeof reportPhotos.$inferInsert): Promise<void> {
  await db.insert(reportPhotos).values(row);
}

/** Attaches pending photos (at most `max`, made after `madeAfter`) to a report; returns how many. */
export async function claimPhotos(
  db: Drizzle,
  input: { coalitionId: string; reportId: string; photoIds: readonly string[]; max: number; madeAfter: Date },
): Promise<number> {
  const claimed = await db
    .update(reportPhotos)
    .set({ reportId: input.reportId })
    .where(
      and(
        eq(reportPhotos.coalitionId, input.coalitionId),
        inArray(reportPhotos.id, [...input.photoIds].slice(0, input.max)),
        isNull(reportPhotos.reportId),
        gt(reportPhotos.createdAt, input.madeAfter),
      ),
    )
    .returning({ id: reportPhotos.id });
  return claimed.length;
}

/** How many of these photos are attached to the report. */
export async function countPhotosOf(
  db: Drizzle,
  coalitionId: string,
  reportId: string,
  photoIds: readonly string[],
): Promise<number> {
  if (photoIds.length === 0) return 0;
  const rows = await db
    .select({ id: reportPhotos.id })
    .from(reportPhotos)
    .where(
      and(
        eq(reportPhotos.coalitionId, coalitionId),
        eq(reportPhotos.reportId, reportId),
        inArray(reportPhotos.id, [...photoIds]),
      ),
    );
  return rows.length;
}

/** A report's photo, still sealed. */
export async function findPhoto(db: Drizzle, coalitionId: string, reportId: string, photoId: string) {
  const [row] = await db
    .select({ sealed: reportPhotos.sealed, contentType: reportPhotos.contentType })
    .from(reportPhotos)
    .where(
      and(
        eq(reportPhotos.coalitionId, coalitionId),
        eq(reportPhotos.reportId, reportId),
        eq(reportPhotos.id, photoId),
      ),
    );
  return row;
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
