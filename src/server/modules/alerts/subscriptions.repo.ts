import { and, eq, inArray, lt, or, sql } from 'drizzle-orm';
import type { SubscriptionChannel } from '../../../shared/subscription.js';
import type { Drizzle } from '../../db/database.js';
import {
  deliveries,
  subscriptions,
  subscriptionThrottle,
  subscriptionZones,
  zones,
} from '../../db/schema.js';
import { referenceChain } from './alerts.repo.js';
import { POSSIBLY_REACHED } from './delivery-claims.repo.js';

export type SubscriptionRow = typeof subscriptions.$inferSelect;

export async function findByDigest(
  db: Drizzle,
  coalitionId: string,
  channel: SubscriptionChannel,
  digest: string,
) {
  const [row] = await db
    .select()
    .from(subscriptions)
    .where(
      and(
        eq(subscriptions.coalitionId, coalitionId),
        eq(subscriptions.channel, channel),
        eq(subscriptions.contactDigest, digest),
      ),
    );
  return row;
}

/** One subscription by its id. */
export async function findSubscription(db: Drizzle, id: string) {
  const [row] = await db.select().from(subscriptions).where(eq(subscriptions.id, id));
  return row;
}

export async function findByToken(db: Drizzle, column: 'confirm' | 'manage', tokenHash: string) {
  const [row] = await db
    .select()
    .from(subscriptions)
    .where(
      eq(column === 'confirm' ? subscriptions.confirmTokenHash : subscriptions.manageTokenHash, tokenHash),
    );
  return row;
}

export async function insertSubscription(db: Drizzle, row: typeof subscriptions.$inferInsert): Promise<void> {
  await db.insert(subscriptions).values(row);
}

export async function updateSubscription(
  db: Drizzle,
  id: string,
  values: Partial<typeof subscriptions.$inferInsert>,
): Promise<void> {
  await db.update(subscriptions).set(values).where(eq(subscriptions.id, id));
}

export async function setSubscriptionZones(
  db: Drizzle,
  id: string,
  zoneIds: readonly string[],
): Promise<void> {
  await db.delete(subscriptionZones).where(eq(subscriptionZones.subscriptionId, id));
  if (zoneIds.length > 0)
    await db.insert(subscriptionZones).values(zoneIds.map((zoneId) => ({ zoneId, subscriptionId: id })));
}

export async function zonesOf(db: Drizzle, id: string) {
  return db
    .select({ id: zones.id, name: zones.name })
    .from(subscriptionZones)
    .innerJoin(zones, eq(zones.id, subscriptionZones.zoneId))
    .where(eq(subscriptionZones.subscriptionId, id))
    .orderBy(zones.name);
}

export async function existingZones(db: Drizzle, coalitionId: string, ids: readonly string[]) {
  if (ids.length === 0) return [];
  return db
    .select({ id: zones.id, name: zones.name })
    .from(zones)
    .where(and(eq(zones.coalitionId, coalitionId), inArray(zones.id, [...ids])));
}

export async function deleteSubscription(db: Drizzle, id: string): Promise<void> {
  // Which alerts reached them goes with them (deliveries have no cascading foreign key).
  await db.delete(deliveries).where(eq(deliveries.subscriptionId, id));
  await db.delete(subscriptions).where(eq(subscriptions.id, id));
}

/** How long an unconfirmed request keeps its (sealed) contact: a week to follow the link. */
export const PENDING_SUBSCRIPTION_DAYS = 7;

/**
 * Deletes subscription requests never confirmed within the week, and
 * subscriptions a push service said are gone: nobody asked to keep them.
 */
export async function purgeStaleSubscriptions(db: Drizzle, pendingCutOff: Date): Promise<number> {
  // Counts of requests and confirmations matter for a day at most.
  await db.delete(subscriptionThrottle).where(lt(subscriptionThrottle.lastAt, pendingCutOff));
  const deleted = await db
    .delete(subscriptions)
    .where(
      or(
        and(eq(subscriptions.status, 'pending'), lt(subscriptions.createdAt, pendingCutOff)),
        eq(subscriptions.status, 'expired'),
      ),
    )
    .returning({ id: subscriptions.id });
  if (deleted.length > 0)
    await db.delete(deliveries).where(
      inArray(
        deliveries.subscriptionId,
        deleted.map((row) => row.id),
      ),
    );
  return deleted.length;
}

/**
 * Counts one more request under `key` when the window's allowance and the
 * shortest gap allow it — in one statement, since several processes may ask
 * at once. The count in the window when allowed; null when not (nothing is
 * counted then).
 */
export async function takeAllowance(
  db: Drizzle,
  key: string,
  at: Date,
  rule: { windowSeconds: number; max: number; gapSeconds: number },
): Promise<number | null> {
  const now = at.toISOString();
  const windowOpen = new Date(at.getTime() - rule.windowSeconds * 1000).toISOString();
  const gapOpen = new Date(at.getTime() - rule.gapSeconds * 1000).toISOString();
  const result = await db.execute<{ count: number }>(sql`
    insert into subscription_throttle as t (key, window_start, count, last_at)
    values (${key}, ${now}::timestamptz, 1, ${now}::timestamptz)
    on conflict (key) do update set
      window_start = case when t.window_start <= ${windowOpen}::timestamptz then ${now}::timestamptz else t.window_start end,
      count = case when t.window_start <= ${windowOpen}::timestamptz then 1 else t.count + 1 end,
      last_at = ${now}::timestamptz
    where (t.window_start <= ${windowOpen}::timestamptz or t.count < ${rule.max})
      and t.last_at <= ${gapOpen}::timestamptz
    returning t.count`);
  const count = result.rows[0]?.count;
  return count === undefined ? null : Number(count);
}

/** Where a key's window stands (for a Retry-After). */
export async function throttleState(db: Drizzle, key: string) {
  const [row] = await db
    .select({ windowStart: subscriptionThrottle.windowStart, lastAt: subscriptionThrottle.lastAt })
    .from(subscriptionThrottle)
    .where(eq(subscriptionThrottle.key, key));
  return row;
}

/** Whom an alert would reach, as the fan-out (`advanceDeliveries`) walks them; made by `recipientQueryOf`. */
export interface RecipientQuery {
  coalitionId: string;
  /** Subscribers of these zones (none for a cancel, which goes only to those the earlier alert reached)… */
  zoneIds: readonly string[];
  /** …and everyone the earlier alert (of an update, all clear or cancel) was sent to. */
  referencesId: string | null;
  /** An actual alert reaches the public; a test or an exercise only staff test subscriptions. */
  publicToo: boolean;
}

/**
 * Active subscriptions an alert would reach now, counted per channel and
 * language: numbers only, no contact is read. Kept to the fan-out's rule; a
 * test compares these counts with the deliveries the fan-out then makes.
 */
export async function countRecipients(db: Drizzle, query: RecipientQuery) {
  const byZone =
    query.zoneIds.length > 0
      ? sql`select distinct ${subscriptionZones.subscriptionId} as id from ${subscriptionZones}
            where ${subscriptionZones.zoneId} in ${[...query.zoneIds]}`
      : null;
  // Everyone the earlier alerts of the chain may have reached, as the fan-out walks them.
  const chain = (await referenceChain(db, query.referencesId)).map((earlier) => earlier.id);
  const byEarlier =
    chain.length > 0
      ? sql`select ${deliveries.subscriptionId} as id from ${deliveries}
          where ${inArray(deliveries.alertId, chain)} and ${sql.raw(POSSIBLY_REACHED)}`
      : null;
  const parts = [byZone, byEarlier].filter((part) => part !== null);
  if (parts.length === 0) return [];
  const result = await db.execute<{ channel: SubscriptionChannel; language: string; n: number }>(sql`
    with target as (${sql.join(parts, sql` union `)})
    select s.channel, s.language, count(*)::int as n
    from target join ${subscriptions} s on s.id = target.id
    where s.status = 'active'
      and s.coalition_id = ${query.coalitionId}
      and (${query.publicToo}::boolean or s.audience = 'staff')
    group by s.channel, s.language`);
  return result.rows.map((row) => ({ ...row, n: Number(row.n) }));
}
