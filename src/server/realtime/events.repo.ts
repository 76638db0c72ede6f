import { and, asc, eq, gt, max } from 'drizzle-orm';
import { type Drizzle, type SqlExecutor, wakeAfterCommit } from '../db/database.js';
import { domainEvents } from '../db/schema.js';
import {
  DOMAIN_EVENT_TYPES,
  type DomainEvent,
  type DomainEventType,
  EVENTS_CHANNEL,
  eventWakePart,
} from './events.js';

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
 * skipped (allocated earlier, committed later). With the bounds of the
 * snapshot they were read in (PostgreSQL's `pg_current_snapshot()`, as
 * transaction ids): every transaction below `xmin` had ended by then, and
 * every one that may still commit something has an id of at least `xmin`;
 * those that had not begun writing have one of at least `xmax`.
 *
 * Two reads in the one statement (one snapshot), each with a plan that stays
 * cheap whatever the table's statistics say — a surge grows the log far
 * faster than ANALYZE follows, and `id > $1 or id = any($2)` was then planned
 * as a walk of the whole table: the new ones, a range of the primary key from
 * the cursor; the skipped ones (all at or below it, as the hub keeps them),
 * one primary-key lookup each, which a LIMIT 1 keeps the planner from turning
 * into a scan. Together the same rows as that condition: the skipped branch
 * takes no id the new one does, and the first `limit` of both branches holds
 * the first `limit` of the two.
 */
export async function eventsSince(
  client: SqlExecutor,
  afterId: number,
  alsoIds: readonly number[],
  limit: number,
): Promise<{ events: DomainEvent[]; xmin: bigint; xmax: bigint }> {
  const { rows } = await client.query<{
    xmin: string;
    xmax: string;
    id: string | null;
    coalition_id: string;
    type: DomainEventType;
    subject_id: string;
  }>(
    `select s.xmin, s.xmax, e.id, e.coalition_id, e.type, e.subject_id
     from (select pg_snapshot_xmin(c)::text as xmin, pg_snapshot_xmax(c)::text as xmax
           from pg_current_snapshot() as c) as s
     left join lateral (
       (select id, coalition_id, type, subject_id from domain_events
        where id > $1
        order by id
        limit $3)
       union all
       (select skipped.id, skipped.coalition_id, skipped.type, skipped.subject_id
        from (select distinct id from unnest($2::bigint[]) as given(id) where id <= $1) as also
        cross join lateral (
          select id, coalition_id, type, subject_id from domain_events
          where id = also.id
          limit 1
        ) as skipped)
       order by id
       limit $3
     ) as e on true
     order by e.id`,
    [afterId, alsoIds, limit],
  );
  const first = rows[0];
  if (!first) throw new Error('the snapshot row is missing');
  return {
    xmin: BigInt(first.xmin),
    xmax: BigInt(first.xmax),
    events: rows
      .filter((row) => row.id !== null)
      .map((row) => ({
        id: Number(row.id),
        coalitionId: row.coalition_id,
        type: row.type,
        subjectId: row.subject_id,
      })),
  };
}

/**
 * Records domain events inside the caller's transaction, and wakes every
 * process's hub once it commits (`wakeAfterCommit`), with the events: a hub
 * that has every event before them hands them on without reading. No NOTIFY
 * inside the transaction, which would serialize every commit on PostgreSQL's
 * global notify lock. No process ever hears of a change that was rolled
 * back: the wake goes only after the commit. Events keep the order given.
 */
export async function recordEvents(
  client: SqlExecutor,
  coalitionId: string,
  events: readonly Pick<DomainEvent, 'type' | 'subjectId'>[],
): Promise<void> {
  if (events.length === 0) return;
  const { rows } = await client.query<{ id: string; type: DomainEventType; subject_id: string }>(
    `insert into domain_events (coalition_id, type, subject_id)
     select $1, e.type, e.subject_id
     from unnest($2::text[], $3::uuid[]) with ordinality as e(type, subject_id, n)
     order by e.n
     returning id, type, subject_id`,
    [coalitionId, events.map((e) => e.type), events.map((e) => e.subjectId)],
  );
  wakeAfterCommit(
    client,
    EVENTS_CHANNEL,
    rows.map((row) =>
      eventWakePart({ id: Number(row.id), coalitionId, type: row.type, subjectId: row.subject_id }),
    ),
  );
}

/**
 * Records a domain event per changed row, as the tail of the same statement
 * that changes the rows (after a CTE named `subject` returning their `id` and
 * `coalition_id`): a hot command (intake in a surge) costs one round trip, and
 * is atomic. The text of that tail, for a statement whose text is made once.
 * The caller wakes the hubs after it commits (`eventsRecorded`).
 */
export function recordEventsForSubjects(type: DomainEventType): string {
  if (!DOMAIN_EVENT_TYPES.includes(type)) throw new Error(`not an event type: ${type}`);
  return `event as (
    insert into "domain_events" ("coalition_id", "type", "subject_id")
    select "coalition_id", '${type}', "id" from subject
    returning "subject_id"
  )
  select "subject_id" from event`;
}

/** After `recordEventsForSubjects` recorded events through `executor`: wakes the hubs once it commits. */
export function eventsRecorded(executor: object): void {
  wakeAfterCommit(executor, EVENTS_CHANNEL);
}
