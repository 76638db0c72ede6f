import { and, asc, eq, gt, max } from 'drizzle-orm';
import type { Drizzle } from '../db/database.js';
import { domainEvents } from '../db/schema.js';

const ofCoalition = (coalitionId: string | null) =>
  coalitionId === null ? undefined : eq(domainEvents.coalitionId, coalitionId);

/** The id of the newest event (of one coalition, or of all with null); 0 if none. */
export async function latestEventId(db: Drizzle, coalitionId: string | null): Promise<number> {
  const [row] = await db
    .select({ id: max(domainEvents.id) })
    .from(domainEvents)
    .where(ofCoalition(coalitionId));
  return row?.id ?? 0;
}

/** Events after the given id (of one coalition, or of all with null), oldest first. */
export async function eventsAfter(db: Drizzle, coalitionId: string | null, afterId: number, limit: number) {
  return db
    .select()
    .from(domainEvents)
    .where(and(ofCoalition(coalitionId), gt(domainEvents.id, afterId)))
    .orderBy(asc(domainEvents.id))
    .limit(limit);
}
