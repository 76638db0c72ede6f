import { and, asc, eq, gt, inArray, max, or } from 'drizzle-orm';
import { type Drizzle, type SqlExecutor, wakeAfterCommit } from '../db/database.js';
import { domainEvents } from '../db/schema.js';
import { DOMAIN_EVENT_TYPES, type DomainEvent, type DomainEventType, EVENTS_CHANNEL } from './events.js';

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
 * Events after `afterId` and those of the ids given (of all coalitions), oldest
 * first: what a process's hub reads on a wake — the new ones, and ids it saw
 * skipped (allocated earlier, committed later).
 */
export async function eventsSince(db: Drizzle, afterId: number, alsoIds: readonly number[], limit: number) {
  const newer = gt(domainEvents.id, afterId);
  return db
    .select()
    .from(domainEvents)
    .where(alsoIds.length > 0 ? or(newer, inArray(domainEvents.id, [...alsoIds])) : newer)
    .orderBy(asc(domainEvents.id))
    .limit(limit);
}

/**
 * Records domain events inside the caller's transaction, and wakes every
 * process's hub once it commits (`wakeAfterCommit`): no NOTIFY inside the
 * transaction, which would serialize every commit on PostgreSQL's global
 * notify lock. No process ever hears of a change that was rolled back: hubs
 * read only committed rows. Events keep the order given.
 */
export async function recordEvents(
  client: SqlExecutor,
  coalitionId: string,
  events: readonly Pick<DomainEvent, 'type' | 'subjectId'>[],
): Promise<void> {
  if (events.length === 0) return;
  await client.query(
    `insert into domain_events (coalition_id, type, subject_id)
     select $1, e.type, e.subject_id
     from unnest($2::text[], $3::uuid[]) with ordinality as e(type, subject_id, n)
     order by e.n`,
    [coalitionId, events.map((e) => e.type), events.map((e) => e.subjectId)],
  );
  wakeAfterCommit(client, EVENTS_CHANNEL);
}

/**
 * Records a domain event per changed row, as the tail of the same statement
 * that changes the rows (after a CTE named `subject` returning their `id`):
 * a hot command (intake in a surge) costs one round trip, and is atomic. The
 * text of that tail, for a statement whose text is made once; `$<coalitionParam>`
 * is the coalition's id. The caller wakes the hubs after it commits (`eventsRecorded`).
 */
export function recordEventsForSubjects(type: DomainEventType, coalitionParam: number): string {
  if (!DOMAIN_EVENT_TYPES.includes(type) || !Number.isSafeInteger(coalitionParam)) {
    throw new Error(`not an event type and parameter: ${type}, ${coalitionParam}`);
  }
  return `event as (
    insert into "domain_events" ("coalition_id", "type", "subject_id")
    select $${coalitionParam}::uuid, '${type}', "id" from subject
    returning "subject_id"
  )
  select "subject_id" from event`;
}

/** After `recordEventsForSubjects` recorded events through `executor`: wakes the hubs once it commits. */
export function eventsRecorded(executor: object): void {
  wakeAfterCommit(executor, EVENTS_CHANNEL);
}
