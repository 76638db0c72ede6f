import { and, desc, eq, inArray, isNull, lte, sql } from 'drizzle-orm';
import type { Drizzle } from '../../db/database.js';
import { assignments, incidents, reports, responderProfiles, shifts, users, zones } from '../../db/schema.js';
import { ENGAGED } from './assignment-flow.js';

export type AssignmentRow = typeof assignments.$inferSelect;

export async function findProfile(db: Drizzle, userId: string) {
  const [row] = await db.select().from(responderProfiles).where(eq(responderProfiles.userId, userId));
  return row;
}

export async function upsertProfile(db: Drizzle, row: typeof responderProfiles.$inferInsert): Promise<void> {
  await db
    .insert(responderProfiles)
    .values(row)
    .onConflictDoUpdate({
      target: responderProfiles.userId,
      set: {
        languages: row.languages,
        skills: row.skills,
        homeZoneIds: row.homeZoneIds,
        ...(row.backupPhone !== undefined ? { backupPhone: row.backupPhone } : {}),
        ...(row.offerPhone !== undefined ? { offerPhone: row.offerPhone } : {}),
        ...(row.offerPhoneDigest !== undefined ? { offerPhoneDigest: row.offerPhoneDigest } : {}),
        updatedAt: new Date(),
      },
    });
}

export async function openShift(db: Drizzle, userId: string) {
  const [row] = await db
    .select()
    .from(shifts)
    .where(and(eq(shifts.userId, userId), isNull(shifts.endedAt)));
  return row;
}

export async function insertShift(db: Drizzle, row: typeof shifts.$inferInsert): Promise<void> {
  await db.insert(shifts).values(row);
}

/** Ends shifts and erases their location in the same statement: nothing of where they were is kept. */
export async function endShifts(db: Drizzle, where: { userId?: string; dueBy?: Date }, at: Date) {
  const conditions = [isNull(shifts.endedAt)];
  if (where.userId) conditions.push(eq(shifts.userId, where.userId));
  if (where.dueBy) conditions.push(lte(shifts.plannedEndAt, where.dueBy));
  return db
    .update(shifts)
    .set({ endedAt: at, locationCell: null, locationAt: null })
    .where(and(...conditions))
    .returning({ id: shifts.id, userId: shifts.userId });
}

export async function setShiftLocation(db: Drizzle, shiftId: string, cell: string | null, at: Date | null) {
  await db.update(shifts).set({ locationCell: cell, locationAt: at }).where(eq(shifts.id, shiftId));
}

/** Responders on shift now, with their profile, coarse cell and how many assignments they hold. */
export async function respondersOnShift(db: Drizzle, coalitionId: string, now: Date) {
  return db
    .select({
      userId: shifts.userId,
      name: users.displayName,
      cell: shifts.locationCell,
      plannedEndAt: shifts.plannedEndAt,
      languages: sql<string[]>`coalesce(${responderProfiles.languages}, '{}'::text[])`,
      skills: sql<string[]>`coalesce(${responderProfiles.skills}, '{}'::text[])`,
      homeZoneIds: sql<string[]>`coalesce(${responderProfiles.homeZoneIds}, '{}'::uuid[])`,
      load: sql<number>`(select count(*)::int from ${assignments} a
                          where a.user_id = ${shifts.userId} and a.state in ${[...ENGAGED]})`,
    })
    .from(shifts)
    .innerJoin(users, eq(users.id, shifts.userId))
    .leftJoin(responderProfiles, eq(responderProfiles.userId, shifts.userId))
    .where(
      and(
        eq(shifts.coalitionId, coalitionId),
        isNull(shifts.endedAt),
        sql`${shifts.plannedEndAt} > ${now}`,
        isNull(users.disabledAt),
      ),
    );
}

export async function incidentFacts(db: Drizzle, coalitionId: string, incidentId: string) {
  const [row] = await db
    .select({ id: incidents.id, cell: incidents.h3Cell, zoneId: incidents.zoneId, status: incidents.status })
    .from(incidents)
    .where(and(eq(incidents.coalitionId, coalitionId), eq(incidents.id, incidentId)));
  if (!row) return undefined;
  const languages = await db
    .selectDistinct({ language: reports.language })
    .from(reports)
    .where(eq(reports.incidentId, incidentId));
  return { ...row, languages: languages.map((l) => l.language) };
}

export async function assignmentsOfIncident(db: Drizzle, incidentId: string) {
  return db
    .select({ assignment: assignments, name: users.displayName })
    .from(assignments)
    .innerJoin(users, eq(users.id, assignments.userId))
    .where(eq(assignments.incidentId, incidentId))
    .orderBy(desc(assignments.offeredAt));
}

export async function assignmentsOfUser(db: Drizzle, userId: string, engagedOnly: boolean) {
  return db
    .select()
    .from(assignments)
    .where(
      and(eq(assignments.userId, userId), engagedOnly ? inArray(assignments.state, [...ENGAGED]) : undefined),
    )
    .orderBy(desc(assignments.offeredAt))
    .limit(50);
}

export async function findAssignment(db: Drizzle, coalitionId: string, id: string) {
  const [row] = await db
    .select()
    .from(assignments)
    .where(and(eq(assignments.coalitionId, coalitionId), eq(assignments.id, id)))
    .for('update');
  return row;
}

export async function insertAssignment(db: Drizzle, row: typeof assignments.$inferInsert): Promise<void> {
  await db.insert(assignments).values(row);
}

/** Moves an assignment only if it is still in `from` (a response and an expiry racing: one wins). */
export async function moveAssignment(
  db: Drizzle,
  id: string,
  from: AssignmentRow['state'],
  patch: Partial<typeof assignments.$inferInsert>,
): Promise<boolean> {
  const moved = await db
    .update(assignments)
    .set(patch)
    .where(and(eq(assignments.id, id), eq(assignments.state, from)))
    .returning({ id: assignments.id });
  return moved.length === 1;
}

/** Offers past their time, oldest first. */
export async function offersDue(db: Drizzle, now: Date) {
  return db
    .select()
    .from(assignments)
    .where(and(eq(assignments.state, 'offered'), lte(assignments.expiresAt, now)))
    .orderBy(assignments.expiresAt)
    .limit(100);
}

/** On-scene check-ins past due, flagged once (a check-in clears the flag). */
export async function flagMissed(db: Drizzle, now: Date) {
  return db
    .update(assignments)
    .set({ safety: 'missed', missedAt: now })
    .where(
      and(
        eq(assignments.state, 'on_scene'),
        lte(assignments.checkInDueAt, now),
        inArray(assignments.safety, ['ok', 'help']),
      ),
    )
    .returning({
      id: assignments.id,
      incidentId: assignments.incidentId,
      userId: assignments.userId,
      coalitionId: assignments.coalitionId,
    });
}

/** Missed check-ins still missing `before` (flagged then or earlier), escalated once each. */
export async function escalateMissed(db: Drizzle, before: Date, now: Date) {
  return db
    .update(assignments)
    .set({ escalatedAt: now })
    .where(
      and(
        eq(assignments.state, 'on_scene'),
        eq(assignments.safety, 'missed'),
        isNull(assignments.escalatedAt),
        lte(assignments.missedAt, before),
      ),
    )
    .returning({
      id: assignments.id,
      incidentId: assignments.incidentId,
      userId: assignments.userId,
      coalitionId: assignments.coalitionId,
    });
}

/** Responders' on-scene notes older than the retention period are deleted; the outcome stays. */
export async function purgeAssignmentNotes(db: Drizzle, endedBefore: Date): Promise<number> {
  const purged = await db
    .update(assignments)
    .set({ notes: null })
    .where(and(sql`${assignments.notes} is not null`, lte(assignments.endedAt, endedBefore)))
    .returning({ id: assignments.id });
  return purged.length;
}

/** What a staff notification about an assignment says, read when it is sent (nothing personal waits in the queue). */
export async function notificationFacts(db: Drizzle, assignmentId: string) {
  const [row] = await db
    .select({
      userId: assignments.userId,
      state: assignments.state,
      safety: assignments.safety,
      coalitionId: assignments.coalitionId,
      number: incidents.number,
      zone: zones.name,
      name: users.displayName,
      backupPhone: responderProfiles.backupPhone,
      offerPhone: responderProfiles.offerPhone,
      languages: responderProfiles.languages,
    })
    .from(assignments)
    .innerJoin(incidents, eq(incidents.id, assignments.incidentId))
    .leftJoin(zones, eq(zones.id, incidents.zoneId))
    .innerJoin(users, eq(users.id, assignments.userId))
    .leftJoin(responderProfiles, eq(responderProfiles.userId, assignments.userId))
    .where(eq(assignments.id, assignmentId));
  return row;
}

/** Assignments per state, and how many on scene have a missed check-in now (for /metrics). */
export async function countAssignmentsByState(
  db: Drizzle,
): Promise<Array<{ key: string; n: number; missed: number }>> {
  return db
    .select({
      key: assignments.state,
      n: sql<number>`count(*)::int`,
      missed: sql<number>`(count(*) filter (where ${assignments.safety} = 'missed'))::int`,
    })
    .from(assignments)
    .groupBy(assignments.state);
}
