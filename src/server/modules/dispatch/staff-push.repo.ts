import { and, eq, inArray } from 'drizzle-orm';
import type { Drizzle } from '../../db/database.js';
import { responderProfiles, staffPushSubscriptions } from '../../db/schema.js';

/** Staff push subscriptions (owned by dispatch): a device, sealed, found again by its endpoint's digest. */
export type NewStaffPushRow = typeof staffPushSubscriptions.$inferInsert;

/** Keeps this device's subscription in place of whatever its endpoint had registered (call in a transaction). */
export async function replaceStaffPush(db: Drizzle, row: NewStaffPushRow): Promise<void> {
  await db
    .delete(staffPushSubscriptions)
    .where(eq(staffPushSubscriptions.endpointDigest, row.endpointDigest));
  await db.insert(staffPushSubscriptions).values(row);
}

/** Forgets one person's device (by its endpoint's digest). */
export async function deleteStaffPush(db: Drizzle, userId: string, endpointDigest: string): Promise<void> {
  await db
    .delete(staffPushSubscriptions)
    .where(
      and(
        eq(staffPushSubscriptions.userId, userId),
        eq(staffPushSubscriptions.endpointDigest, endpointDigest),
      ),
    );
}

/** A device a push service said is gone. */
export async function deleteStaffPushById(db: Drizzle, id: string): Promise<void> {
  await db.delete(staffPushSubscriptions).where(eq(staffPushSubscriptions.id, id));
}

/** These people's devices, sealed, with each device's language and the languages its owner speaks. */
export async function staffPushTargets(db: Drizzle, userIds: readonly string[]) {
  return db
    .select({
      id: staffPushSubscriptions.id,
      subscription: staffPushSubscriptions.subscription,
      device: staffPushSubscriptions.language,
      spoken: responderProfiles.languages,
    })
    .from(staffPushSubscriptions)
    .leftJoin(responderProfiles, eq(responderProfiles.userId, staffPushSubscriptions.userId))
    .where(inArray(staffPushSubscriptions.userId, [...userIds]));
}
