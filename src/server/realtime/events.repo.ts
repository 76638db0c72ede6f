import { and, asc, eq, gt, max } from 'drizzle-orm';
import type { Drizzle } from '../db/database.js';
import { domainEvents } from '../db/schema.js';

/** The id of the newest event of a coalition (0 if none): where a live stream should resume after a read. */
export async function latestEventId(db: Drizzle, coalitionId: string): Promise<number> {
  const [row] = await db
    .select({ id: max(domainEvents.id) })
    .from(domainEvents)
    .where(eq(domainEvents.coalitionId, coalitionId));
  return row?.id ?? 0;
}

/** Events of a coalition after the given id, oldest first. */
export async function eventsAfter(db: Drizzle, coalitionId: string, afterId: number, limit: number) {
  return db
    .select()
    .from(domainEvents)
    .where(and(eq(domainEvents.coalitionId, coalitionId), gt(domainEvents.id, afterId)))
    .orderBy(asc(domainEvents.id))
    .limit(limit);
}
