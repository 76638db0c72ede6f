import { and, desc, eq, gt, inArray, isNotNull, isNull, sql } from 'drizzle-orm';
import type { Drizzle } from '../../db/database.js';
import { alerts, alertZones, deliveries, users, zones } from '../../db/schema.js';

export type AlertRow = typeof alerts.$inferSelect;
export type NewAlert = typeof alerts.$inferInsert;

export interface AlertZone {
  id: string;
  name: string;
  boundary: unknown;
}

export async function insertAlert(db: Drizzle, row: NewAlert): Promise<void> {
  await db.insert(alerts).values(row);
}

export async function updateAlert(db: Drizzle, id: string, patch: Partial<NewAlert>): Promise<void> {
  await db
    .update(alerts)
    .set({ ...patch, updatedAt: new Date() })
    .where(eq(alerts.id, id));
}

/** Changes the state only if it is still `from`: two approvers at once, one wins. */
export async function moveAlert(
  db: Drizzle,
  id: string,
  from: AlertRow['state'],
  patch: Partial<NewAlert>,
): Promise<boolean> {
  const moved = await db
    .update(alerts)
    .set({ ...patch, updatedAt: new Date() })
    .where(and(eq(alerts.id, id), eq(alerts.state, from)))
    .returning({ id: alerts.id });
  return moved.length === 1;
}

export async function setAlertZones(db: Drizzle, alertId: string, zoneIds: readonly string[]): Promise<void> {
  await db.delete(alertZones).where(eq(alertZones.alertId, alertId));
  if (zoneIds.length > 0) await db.insert(alertZones).values(zoneIds.map((zoneId) => ({ alertId, zoneId })));
}

export async function findAlert(db: Drizzle, coalitionId: string, id: string, lock = false) {
  const query = db
    .select()
    .from(alerts)
    .where(and(eq(alerts.coalitionId, coalitionId), eq(alerts.id, id)));
  const [row] = lock ? await query.for('update') : await query;
  return row;
}

/** An alert by its id alone: for a job, whose payload names the alert (its row names the coalition). */
export async function findAlertById(db: Drizzle, id: string) {
  const [row] = await db.select().from(alerts).where(eq(alerts.id, id));
  return row;
}

export async function listAlertRows(db: Drizzle, coalitionId: string, limit: number) {
  return db
    .select()
    .from(alerts)
    .where(eq(alerts.coalitionId, coalitionId))
    .orderBy(desc(alerts.updatedAt))
    .limit(limit);
}

/**
 * The public documents of the actual alerts in force at `now` (cancels included while they
 * last), newest first: only what a public read serves, nothing to render.
 */
export async function activePublicDocuments(db: Drizzle, coalitionId: string, now: Date, zoneId?: string) {
  const conditions = [
    eq(alerts.coalitionId, coalitionId),
    eq(alerts.state, 'published'),
    eq(alerts.capStatus, 'Actual'),
    isNull(alerts.endedAt),
    gt(alerts.expiresAt, now),
  ];
  if (zoneId) {
    conditions.push(
      inArray(
        alerts.id,
        db.select({ id: alertZones.alertId }).from(alertZones).where(eq(alertZones.zoneId, zoneId)),
      ),
    );
  }
  return db
    .select({ id: alerts.id, documents: alerts.documents })
    .from(alerts)
    .where(and(...conditions))
    .orderBy(desc(alerts.publishedAt))
    .limit(200);
}

/** One published actual alert's public documents (also after it ended, so references resolve). */
export async function publicDocumentsOf(db: Drizzle, coalitionId: string, id: string) {
  const [row] = await db
    .select({ id: alerts.id, documents: alerts.documents })
    .from(alerts)
    .where(
      and(
        eq(alerts.coalitionId, coalitionId),
        eq(alerts.id, id),
        eq(alerts.state, 'published'),
        eq(alerts.capStatus, 'Actual'),
      ),
    );
  return row;
}

/** Keeps documents rendered late (for an alert published before they were kept), once. */
export async function storeDocuments(db: Drizzle, id: string, documents: object): Promise<void> {
  await db
    .update(alerts)
    .set({ documents })
    .where(and(eq(alerts.id, id), isNull(alerts.documents)));
}

/**
 * Forgets every public document kept for the coalition's alerts: the next read
 * renders each again through the guard as it is now set (a name blocked after
 * publication then takes the alert out of every public output).
 */
export async function forgetPublicDocuments(db: Drizzle, coalitionId: string): Promise<number> {
  const forgotten = await db
    .update(alerts)
    .set({ documents: null })
    .where(and(eq(alerts.coalitionId, coalitionId), isNotNull(alerts.documents)))
    .returning({ id: alerts.id });
  return forgotten.length;
}

/** The zones of some alerts, with their outlines. */
export async function zonesOfAlerts(db: Drizzle, alertIds: readonly string[]) {
  if (alertIds.length === 0) return new Map<string, AlertZone[]>();
  const rows = await db
    .select({ alertId: alertZones.alertId, id: zones.id, name: zones.name, boundary: zones.boundary })
    .from(alertZones)
    .innerJoin(zones, eq(zones.id, alertZones.zoneId))
    .where(inArray(alertZones.alertId, [...alertIds]))
    .orderBy(zones.name);
  const byAlert = new Map<string, AlertZone[]>();
  for (const { alertId, ...zone } of rows) byAlert.set(alertId, [...(byAlert.get(alertId) ?? []), zone]);
  return byAlert;
}

export async function userNames(db: Drizzle, ids: readonly string[]) {
  if (ids.length === 0) return new Map<string, string>();
  const rows = await db
    .select({ id: users.id, name: users.displayName })
    .from(users)
    .where(inArray(users.id, [...ids]));
  return new Map(rows.map((row) => [row.id, row.name]));
}

/** Per channel and state, how many deliveries an alert has. */
export async function deliveryCounts(db: Drizzle, alertIds: readonly string[]) {
  if (alertIds.length === 0) return [];
  return db
    .select({
      alertId: deliveries.alertId,
      channel: deliveries.channel,
      state: deliveries.state,
      n: sql<number>`count(*)::int`,
    })
    .from(deliveries)
    .where(inArray(deliveries.alertId, [...alertIds]))
    .groupBy(deliveries.alertId, deliveries.channel, deliveries.state);
}

/** The earlier alerts a message refers to, nearest first (CAP references list them all). */
export async function referenceChain(db: Drizzle, id: string | null) {
  const chain: { id: string; publishedAt: Date }[] = [];
  let next = id;
  while (next && chain.length < 50) {
    const [row] = await db
      .select({ id: alerts.id, publishedAt: alerts.publishedAt, referencesId: alerts.referencesId })
      .from(alerts)
      .where(eq(alerts.id, next));
    if (!row?.publishedAt) break;
    chain.push({ id: row.id, publishedAt: row.publishedAt });
    next = row.referencesId;
  }
  return chain;
}
