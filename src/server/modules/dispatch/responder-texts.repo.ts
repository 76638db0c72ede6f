import { and, desc, eq, gt, inArray, isNotNull, isNull } from 'drizzle-orm';
import type { Drizzle } from '../../db/database.js';
import { assignments, incidents, responderProfiles, zones } from '../../db/schema.js';

/** What a responder's text is read against (dispatch owns assignments and responder profiles). */

/**
 * Their assignments offered since a time, or on scene now; newest first, with
 * the incident's number and zone (at most 20).
 */
export async function assignmentsForTexts(
  db: Drizzle,
  userIds: readonly string[],
  which: { offeredSince: Date } | { onScene: true },
) {
  return db
    .select({
      id: assignments.id,
      userId: assignments.userId,
      state: assignments.state,
      safety: assignments.safety,
      offeredAt: assignments.offeredAt,
      expiresAt: assignments.expiresAt,
      number: incidents.number,
      zone: zones.name,
    })
    .from(assignments)
    .innerJoin(incidents, eq(incidents.id, assignments.incidentId))
    .leftJoin(zones, eq(zones.id, incidents.zoneId))
    .where(
      and(
        inArray(assignments.userId, [...userIds]),
        'offeredSince' in which
          ? gt(assignments.offeredAt, which.offeredSince)
          : eq(assignments.state, 'on_scene'),
      ),
    )
    .orderBy(desc(assignments.offeredAt), desc(incidents.number))
    .limit(20);
}

/** The responders of the coalition whose number for offers has this digest. */
export async function respondersByOfferPhone(db: Drizzle, coalitionId: string, digest: string) {
  return db
    .select({ userId: responderProfiles.userId, languages: responderProfiles.languages })
    .from(responderProfiles)
    .where(
      and(eq(responderProfiles.coalitionId, coalitionId), eq(responderProfiles.offerPhoneDigest, digest)),
    );
}

/** Profiles with a number for offers kept before its digest was. */
export async function offerPhonesWithoutDigest(db: Drizzle) {
  return db
    .select({ userId: responderProfiles.userId, offerPhone: responderProfiles.offerPhone })
    .from(responderProfiles)
    .where(and(isNotNull(responderProfiles.offerPhone), isNull(responderProfiles.offerPhoneDigest)));
}

export async function setOfferPhoneDigest(db: Drizzle, userId: string, digest: string): Promise<void> {
  await db
    .update(responderProfiles)
    .set({ offerPhoneDigest: digest })
    .where(eq(responderProfiles.userId, userId));
}

/** Forgets the number for offers wherever it has this digest; returns how many profiles had it. */
export async function forgetOfferPhone(db: Drizzle, digest: string, at: Date): Promise<number> {
  const forgotten = await db
    .update(responderProfiles)
    .set({ offerPhone: null, offerPhoneDigest: null, updatedAt: at })
    .where(eq(responderProfiles.offerPhoneDigest, digest))
    .returning({ userId: responderProfiles.userId });
  return forgotten.length;
}
