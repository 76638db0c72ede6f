import { and, eq } from 'drizzle-orm';
import type { Drizzle } from '../../db/database.js';
import { organizations, translationReviews, users } from '../../db/schema.js';

/** The translation_reviews table is written here only (modules/rights owns it). */

/** Every review row of a coalition, with the organization's and the marker's names. */
export async function listReviews(db: Drizzle, coalitionId: string) {
  return db
    .select({
      part: translationReviews.part,
      language: translationReviews.language,
      status: translationReviews.status,
      organization: organizations.name,
      marker: users.displayName,
      at: translationReviews.at,
    })
    .from(translationReviews)
    .leftJoin(organizations, eq(organizations.id, translationReviews.reviewedByOrganization))
    .leftJoin(users, eq(users.id, translationReviews.actorId))
    .where(eq(translationReviews.coalitionId, coalitionId));
}

/** The languages of one part a coalition has reviewed (one indexed read: the primary key's prefix). */
export async function reviewedRows(db: Drizzle, coalitionId: string, part: string) {
  return db
    .select({ language: translationReviews.language })
    .from(translationReviews)
    .where(
      and(
        eq(translationReviews.coalitionId, coalitionId),
        eq(translationReviews.part, part),
        eq(translationReviews.status, 'reviewed'),
      ),
    );
}

/** Marks one translation reviewed (for an organization) or back to draft. */
export async function writeReview(
  db: Drizzle,
  row: {
    coalitionId: string;
    part: string;
    language: string;
    status: 'draft' | 'reviewed';
    organizationId: string | null;
    actorId: string;
    at: Date;
  },
) {
  const values = {
    status: row.status,
    reviewedByOrganization: row.organizationId,
    actorId: row.actorId,
    at: row.at,
  };
  await db
    .insert(translationReviews)
    .values({ coalitionId: row.coalitionId, part: row.part, language: row.language, ...values })
    .onConflictDoUpdate({
      target: [translationReviews.coalitionId, translationReviews.part, translationReviews.language],
      set: values,
    });
}
