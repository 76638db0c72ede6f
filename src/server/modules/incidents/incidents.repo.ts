import { and, asc, desc, eq, gte, inArray, isNotNull, lte, or, sql } from 'drizzle-orm';
import type { PgUpdateSetSource } from 'drizzle-orm/pg-core';
import type { IncidentSummary, TimelineEntry } from '../../../shared/incident.js';
import type { IncidentStatus } from '../../../shared/report-fields.js';
import type { Drizzle, SqlExecutor } from '../../db/database.js';
import { LOCKS } from '../../db/locks.js';
import {
  assignments,
  gatheringStatusesSql,
  incidentPresence,
  incidents,
  incidentTimeline,
  reports,
  users,
  zones,
} from '../../db/schema.js';

export type IncidentRow = typeof incidents.$inferSelect;
export type NewIncidentRow = typeof incidents.$inferInsert;

/**
 * Serializes grouping within a coalition for the rest of the transaction, so
 * two reports of the same operation arriving together cannot both open a
 * new incident.
 */
export async function lockGrouping(client: SqlExecutor, coalitionId: string): Promise<void> {
  await client.query('select pg_advisory_xact_lock($1, hashtext($2))', [LOCKS.grouping, coalitionId]);
}

/**
 * Incidents that still gather reports (GATHERING_INCIDENT_STATUSES) seen
 * within the time bounds, with what grouping needs. Served by the partial
 * index on those incidents (same predicate, as literals): its cost follows the number
 * of incidents active in the window, not the number of reports stored.
 */
export async function findGroupCandidates(
  db: Drizzle,
  coalitionId: string,
  bounds: { from: Date; to: Date },
) {
  return db
    .select({
      id: incidents.id,
      activity: incidents.activity,
      zoneId: incidents.zoneId,
      centerLat: incidents.centerLat,
      centerLng: incidents.centerLng,
      recentLat: incidents.recentLat,
      recentLng: incidents.recentLng,
      positionedCount: incidents.positionedCount,
      reportCount: incidents.reportCount,
      firsthandCount: incidents.firsthandCount,
      preciseCount: incidents.preciseCount,
      firstObservedAt: incidents.firstObservedAt,
      lastObservedAt: incidents.lastObservedAt,
    })
    .from(incidents)
    .where(
      and(
        eq(incidents.coalitionId, coalitionId),
        sql`${incidents.status} in ${gatheringStatusesSql}`,
        gte(incidents.lastObservedAt, bounds.from),
        lte(incidents.firstObservedAt, bounds.to),
      ),
    );
}

export async function insertIncidents(db: Drizzle, rows: NewIncidentRow[]): Promise<void> {
  await db.insert(incidents).values(rows);
}

export async function insertIncident(db: Drizzle, row: NewIncidentRow): Promise<string> {
  const [created] = await db.insert(incidents).values(row).returning({ id: incidents.id });
  if (!created) throw new Error('incident insert returned no row');
  return created.id;
}

export async function updateIncident(
  db: Drizzle,
  id: string,
  values: PgUpdateSetSource<typeof incidents>,
): Promise<void> {
  await db.update(incidents).set(values).where(eq(incidents.id, id));
}

const summaryColumns = {
  id: incidents.id,
  number: incidents.number,
  status: incidents.status,
  mergedInto: incidents.mergedInto,
  activity: incidents.activity,
  zoneId: incidents.zoneId,
  zoneName: zones.name,
  h3Cell: incidents.h3Cell,
  centerLat: incidents.centerLat,
  centerLng: incidents.centerLng,
  reportCount: incidents.reportCount,
  firsthandCount: incidents.firsthandCount,
  preciseCount: incidents.preciseCount,
  firstObservedAt: incidents.firstObservedAt,
  lastObservedAt: incidents.lastObservedAt,
  lastActivityAt: incidents.lastActivityAt,
  // Its size as the board shows it: the median of what its reports counted (read on the reports' index).
  agents: sql<number | null>`(select percentile_cont(0.5) within group (order by ${reports.agents})
    from ${reports} where ${reports.incidentId} = ${incidents.id})`,
  vehicles: sql<number | null>`(select percentile_cont(0.5) within group (order by ${reports.vehicles})
    from ${reports} where ${reports.incidentId} = ${incidents.id})`,
  respondersActive: sql<number>`(select count(*)::int from ${assignments}
    where ${assignments.incidentId} = ${incidents.id}
      and ${assignments.state} in ('offered', 'accepted', 'en_route', 'on_scene'))`,
  safety: sql<'ok' | 'help' | 'missed'>`coalesce((select case
      when bool_or(${assignments.safety} = 'missed') then 'missed'
      when bool_or(${assignments.safety} = 'help') then 'help' end
    from ${assignments}
    where ${assignments.incidentId} = ${incidents.id} and ${assignments.state} = 'on_scene'), 'ok')`,
};

/** Someone on scene there missed a check-in or asked for help (a small set, read once per query). */
const responderInTrouble = sql`${incidents.id} in (select ${assignments.incidentId} from ${assignments}
  where ${assignments.state} = 'on_scene' and ${assignments.safety} <> 'ok')`;

const summaries = (db: Drizzle) =>
  db.select(summaryColumns).from(incidents).leftJoin(zones, eq(zones.id, incidents.zoneId)).$dynamic();

type SummaryRow = Awaited<ReturnType<typeof summaries>>[number];

function toSummary(row: SummaryRow): IncidentSummary {
  return {
    id: row.id,
    number: row.number,
    status: row.status,
    mergedInto: row.mergedInto,
    activity: row.activity,
    zone: row.zoneId && row.zoneName ? { id: row.zoneId, name: row.zoneName } : null,
    h3Cell: row.h3Cell,
    center:
      row.centerLat !== null && row.centerLng !== null ? { lat: row.centerLat, lng: row.centerLng } : null,
    reportCount: row.reportCount,
    firsthandCount: row.firsthandCount,
    preciseCount: row.preciseCount,
    agents: row.agents === null ? null : Math.round(Number(row.agents)),
    vehicles: row.vehicles === null ? null : Math.round(Number(row.vehicles)),
    firstObservedAt: row.firstObservedAt.toISOString(),
    lastObservedAt: row.lastObservedAt.toISOString(),
    lastActivityAt: row.lastActivityAt.toISOString(),
    respondersActive: row.respondersActive,
    safety: row.safety,
  };
}

export async function findIncidentSummary(db: Drizzle, coalitionId: string, id: string) {
  const [row] = await summaries(db).where(and(eq(incidents.coalitionId, coalitionId), eq(incidents.id, id)));
  return row ? toSummary(row) : undefined;
}

/**
 * Incidents for the board, most recently active first. One where a
 * responder is in trouble is listed whatever the filter: no zone or status
 * choice can hide a missed check-in.
 */
export async function listIncidentSummaries(
  db: Drizzle,
  coalitionId: string,
  filter: { statuses: readonly IncidentStatus[]; zoneId?: string | undefined; limit: number },
) {
  const order = [desc(incidents.lastActivityAt), desc(incidents.id)];
  // Those first, so a long list's limit can never cut them off (a handful at most).
  const inTrouble = await summaries(db)
    .where(and(eq(incidents.coalitionId, coalitionId), responderInTrouble))
    .orderBy(...order)
    .limit(filter.limit);
  // The rest in the board's order, read from its index (the newest few of however many are stored).
  const filtered = await summaries(db)
    .where(
      and(
        eq(incidents.coalitionId, coalitionId),
        inArray(incidents.status, [...filter.statuses]),
        filter.zoneId ? eq(incidents.zoneId, filter.zoneId) : undefined,
      ),
    )
    .orderBy(...order)
    .limit(filter.limit);
  const first = new Set(inTrouble.map((row) => row.id));
  return [...inTrouble, ...filtered.filter((row) => !first.has(row.id))]
    .slice(0, filter.limit)
    .map(toSummary);
}

/** Incidents of the coalition by id, for checking a merge or move target. */
export async function findIncidents(db: Drizzle, coalitionId: string, ids: readonly string[]) {
  if (ids.length === 0) return [];
  return db
    .select({ id: incidents.id, number: incidents.number, status: incidents.status })
    .from(incidents)
    .where(and(eq(incidents.coalitionId, coalitionId), inArray(incidents.id, [...ids])));
}

export type NewTimelineRow = typeof incidentTimeline.$inferInsert;

export async function insertTimeline(db: Drizzle, rows: NewTimelineRow[]): Promise<void> {
  if (rows.length > 0) await db.insert(incidentTimeline).values(rows);
}

/** An incident's timeline with actors' display names and the other incident's number. */
export async function listTimeline(
  db: Drizzle,
  incidentId: string,
  openNote: (sealed: string) => string | null,
): Promise<TimelineEntry[]> {
  const other = sql`(select number from ${incidents} where ${incidents.id} = ${incidentTimeline.otherIncidentId})`;
  const rows = await db
    .select({
      id: incidentTimeline.id,
      kind: incidentTimeline.kind,
      at: incidentTimeline.at,
      actor: users.displayName,
      reportId: incidentTimeline.reportId,
      otherIncidentId: incidentTimeline.otherIncidentId,
      otherNumber: sql<number | null>`${other}`.mapWith(Number),
      status: incidentTimeline.status,
      note: incidentTimeline.note,
    })
    .from(incidentTimeline)
    .leftJoin(users, eq(users.id, incidentTimeline.actorId))
    .where(eq(incidentTimeline.incidentId, incidentId))
    .orderBy(asc(incidentTimeline.id));
  return rows.map((row) => ({
    id: row.id,
    kind: row.kind,
    at: row.at.toISOString(),
    actor: row.actor,
    reportId: row.reportId,
    otherIncident:
      row.otherIncidentId && row.otherNumber !== null
        ? { id: row.otherIncidentId, number: row.otherNumber }
        : null,
    status: row.status,
    note: row.note ? openNote(row.note) : null,
  }));
}

/** Clears sealed notes older than the cut-off (incidents keep only coarse data). */
export async function purgeTimelineNotes(db: Drizzle, before: Date): Promise<number> {
  const purged = await db
    .update(incidentTimeline)
    .set({ note: null })
    .where(and(isNotNull(incidentTimeline.note), lte(incidentTimeline.at, before)))
    .returning({ id: incidentTimeline.id });
  return purged.length;
}

/**
 * Forgets where incidents quiet since the cut-off were: the mean and recent
 * positions (finer than public) go, the zone and the public cell stay. An
 * incident that old can no longer gather reports, so grouping loses nothing.
 */
export async function purgeIncidentPositions(db: Drizzle, quietSince: Date): Promise<number> {
  const purged = await db
    .update(incidents)
    .set({ centerLat: null, centerLng: null, recentLat: null, recentLng: null })
    .where(
      and(
        lte(incidents.lastActivityAt, quietSince),
        or(isNotNull(incidents.centerLat), isNotNull(incidents.recentLat)),
      ),
    )
    .returning({ id: incidents.id });
  return purged.length;
}

/** Marks a dispatcher as looking at an incident now. */
export async function touchPresence(
  db: Drizzle,
  incidentId: string,
  userId: string,
  at: Date,
): Promise<void> {
  await db
    .insert(incidentPresence)
    .values({ incidentId, userId, seenAt: at })
    .onConflictDoUpdate({
      target: [incidentPresence.incidentId, incidentPresence.userId],
      set: { seenAt: at },
    });
}

export async function removePresence(db: Drizzle, incidentId: string, userId: string): Promise<void> {
  await db
    .delete(incidentPresence)
    .where(and(eq(incidentPresence.incidentId, incidentId), eq(incidentPresence.userId, userId)));
}

/** The other people seen on an incident since the given time. */
export async function listViewers(db: Drizzle, incidentId: string, since: Date, exceptUserId: string) {
  return db
    .select({ name: users.displayName })
    .from(incidentPresence)
    .innerJoin(users, eq(users.id, incidentPresence.userId))
    .where(
      and(
        eq(incidentPresence.incidentId, incidentId),
        gte(incidentPresence.seenAt, since),
        sql`${incidentPresence.userId} <> ${exceptUserId}`,
      ),
    )
    .orderBy(asc(users.displayName));
}

/** Forgets presence older than the cut-off. */
export async function prunePresence(db: Drizzle, before: Date): Promise<void> {
  await db.delete(incidentPresence).where(lte(incidentPresence.seenAt, before));
}

/** Incidents per status, for /metrics. */
export async function countIncidentsByStatus(db: Drizzle): Promise<Array<{ key: string; n: number }>> {
  return db
    .select({ key: incidents.status, n: sql<number>`count(*)::int` })
    .from(incidents)
    .groupBy(incidents.status);
}
