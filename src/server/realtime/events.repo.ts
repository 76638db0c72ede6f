import { and, asc, eq, gt, max, type SQL, sql } from 'drizzle-orm';
import type { Drizzle, SqlExecutor } from '../db/database.js';
import { domainEvents } from '../db/schema.js';
import { type DomainEvent, EVENTS_CHANNEL } from './events.js';

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

/**
 * Records domain events and announces them, in one statement inside the
 * caller's transaction. PostgreSQL delivers a NOTIFY only on commit, so no
 * process ever hears of a change that was rolled back. The payload is ids
 * only (NOTIFY is < 8000 bytes); events keep the order given.
 */
export async function recordEvents(
  client: SqlExecutor,
  coalitionId: string,
  events: readonly Pick<DomainEvent, 'type' | 'subjectId'>[],
): Promise<void> {
  if (events.length === 0) return;
  await client.query(
    `with event as (
       insert into domain_events (coalition_id, type, subject_id)
       select $1, e.type, e.subject_id
       from unnest($2::text[], $3::uuid[]) with ordinality as e(type, subject_id, n)
       order by e.n
       returning id, type, subject_id
     )
     select pg_notify($4, json_build_object(
       'id', id, 'coalitionId', $1::text, 'type', type, 'subjectId', subject_id
     )::text) from event order by id`,
    [coalitionId, events.map((e) => e.type), events.map((e) => e.subjectId), EVENTS_CHANNEL],
  );
}

/**
 * Records a domain event per changed row and announces it, as the tail of
 * the same statement that changes the rows (after a CTE named `subject`
 * returning their `id`): a hot command (intake in a surge) costs one round
 * trip, and is atomic.
 */
export function recordEventsForSubjects(event: Pick<DomainEvent, 'coalitionId' | 'type'>): SQL {
  return sql`event as (
    insert into ${domainEvents} (coalition_id, type, subject_id)
    select ${event.coalitionId}, ${event.type}, id from subject
    returning id, subject_id
  )
  select subject_id, pg_notify(${EVENTS_CHANNEL}, json_build_object(
    'id', id, 'coalitionId', ${event.coalitionId}::text, 'type', ${event.type}::text, 'subjectId', subject_id
  )::text) from event`;
}
