import { and, asc, eq, gt, inArray, isNull, lt, min, or, sql } from 'drizzle-orm';
import type { Drizzle } from '../../db/database.js';
import {
  caseContacts,
  caseCustodyEvents,
  caseDigests,
  caseFacilities,
  caseHearings,
  caseLinks,
  caseMembers,
  caseNotes,
  caseReferrals,
  cases,
  caseTasks,
  memberships,
  organizations,
  users,
} from '../../db/schema.js';

/** The only writer of the cases tables (schema/cases.ts). */

export type CaseRow = typeof cases.$inferSelect;

export async function insertCase(db: Drizzle, row: typeof cases.$inferInsert): Promise<CaseRow> {
  const [inserted] = await db.insert(cases).values(row).returning();
  if (!inserted) throw new Error('case not inserted');
  return inserted;
}

export async function updateCase(db: Drizzle, id: string, values: Partial<typeof cases.$inferInsert>) {
  await db.update(cases).set(values).where(eq(cases.id, id));
}

/** A case of the coalition; `lock` holds it for the rest of the transaction. */
export async function findCase(db: Drizzle, coalitionId: string, id: string, lock = false) {
  const query = db
    .select()
    .from(cases)
    .where(and(eq(cases.coalitionId, coalitionId), eq(cases.id, id)));
  const [row] = await (lock ? query.for('update') : query);
  return row;
}

/** The organizations in which a person is on the legal team. */
export async function legalOrganizationsOf(db: Drizzle, userId: string): Promise<string[]> {
  const rows = await db
    .select({ id: memberships.organizationId })
    .from(memberships)
    .where(and(eq(memberships.userId, userId), eq(memberships.role, 'legal')));
  return rows.map((row) => row.id);
}

/**
 * The organizations of the coalition with a legal team (someone active in the legal role): where a
 * case can be opened, and what an emergency plan's member may choose from.
 */
export function legalOrganizations(db: Drizzle, coalitionId: string) {
  return db
    .selectDistinct({ id: organizations.id, name: organizations.name })
    .from(organizations)
    .innerJoin(memberships, eq(memberships.organizationId, organizations.id))
    .innerJoin(users, eq(users.id, memberships.userId))
    .where(
      and(
        eq(organizations.coalitionId, coalitionId),
        eq(memberships.role, 'legal'),
        isNull(users.disabledAt),
      ),
    )
    .orderBy(asc(organizations.name));
}

export async function isCaseMember(db: Drizzle, caseId: string, userId: string): Promise<boolean> {
  const [row] = await db
    .select({ userId: caseMembers.userId })
    .from(caseMembers)
    .where(and(eq(caseMembers.caseId, caseId), eq(caseMembers.userId, userId)));
  return Boolean(row);
}

/** Cases a person may know: their legal teams' and those they were added to. */
export async function listVisibleCases(
  db: Drizzle,
  coalitionId: string,
  userId: string,
  orgIds: string[],
  at: Date,
) {
  const added = db.select({ id: caseMembers.caseId }).from(caseMembers).where(eq(caseMembers.userId, userId));
  const nextHearing = db
    .select({ caseId: caseHearings.caseId, at: min(caseHearings.at).as('next_at') })
    .from(caseHearings)
    .where(gt(caseHearings.at, at))
    .groupBy(caseHearings.caseId)
    .as('next_hearing');
  return db
    .select({
      row: cases,
      organizationName: organizations.name,
      facilityName: caseFacilities.name,
      nextHearingAt: nextHearing.at,
    })
    .from(cases)
    .innerJoin(organizations, eq(organizations.id, cases.organizationId))
    .leftJoin(caseFacilities, eq(caseFacilities.id, cases.facilityId))
    .leftJoin(nextHearing, eq(nextHearing.caseId, cases.id))
    .where(
      and(
        eq(cases.coalitionId, coalitionId),
        or(orgIds.length ? inArray(cases.organizationId, orgIds) : sql`false`, inArray(cases.id, added)),
      ),
    )
    .orderBy(asc(cases.createdAt));
}

export async function replaceDigests(
  db: Drizzle,
  caseId: string,
  digests: { kind: 'a_number' | 'name'; digest: string }[],
) {
  await db.delete(caseDigests).where(eq(caseDigests.caseId, caseId));
  const unique = [...new Map(digests.map((d) => [`${d.kind}:${d.digest}`, d])).values()];
  if (unique.length) await db.insert(caseDigests).values(unique.map((d) => ({ caseId, ...d })));
}

export async function casesByDigest(
  db: Drizzle,
  coalitionId: string,
  kind: 'a_number' | 'name',
  digest: string,
) {
  const rows = await db
    .selectDistinct({ id: caseDigests.caseId })
    .from(caseDigests)
    .innerJoin(cases, eq(cases.id, caseDigests.caseId))
    .where(
      and(eq(cases.coalitionId, coalitionId), eq(caseDigests.kind, kind), eq(caseDigests.digest, digest)),
    );
  return rows.map((row) => row.id);
}

export async function insertCustodyEvent(db: Drizzle, row: typeof caseCustodyEvents.$inferInsert) {
  await db.insert(caseCustodyEvents).values(row);
}
export async function insertHearing(db: Drizzle, row: typeof caseHearings.$inferInsert) {
  const [inserted] = await db.insert(caseHearings).values(row).returning({ id: caseHearings.id });
  return inserted?.id;
}
export async function insertContact(db: Drizzle, row: typeof caseContacts.$inferInsert) {
  const [inserted] = await db.insert(caseContacts).values(row).returning({ id: caseContacts.id });
  return inserted?.id;
}
export async function insertTask(db: Drizzle, row: typeof caseTasks.$inferInsert) {
  const [inserted] = await db.insert(caseTasks).values(row).returning({ id: caseTasks.id });
  return inserted?.id;
}
export async function setTaskDone(db: Drizzle, caseId: string, taskId: string, doneAt: Date | null) {
  const updated = await db
    .update(caseTasks)
    .set({ doneAt })
    .where(and(eq(caseTasks.caseId, caseId), eq(caseTasks.id, taskId)))
    .returning({ id: caseTasks.id });
  return updated.length > 0;
}
export async function insertNote(db: Drizzle, row: typeof caseNotes.$inferInsert) {
  const [inserted] = await db.insert(caseNotes).values(row).returning({ id: caseNotes.id });
  return inserted?.id;
}
export async function insertLink(db: Drizzle, row: typeof caseLinks.$inferInsert) {
  await db.insert(caseLinks).values(row).onConflictDoNothing();
}
export async function insertMember(db: Drizzle, row: typeof caseMembers.$inferInsert) {
  await db.insert(caseMembers).values(row).onConflictDoNothing();
}
export async function deleteMembers(db: Drizzle, caseId: string, userId?: string) {
  const removed = await db
    .delete(caseMembers)
    .where(and(eq(caseMembers.caseId, caseId), userId ? eq(caseMembers.userId, userId) : undefined))
    .returning({ userId: caseMembers.userId });
  return removed.length;
}

/** Every task of the case without its assignee (a referral: the sending team's people). */
export async function unassignTasks(db: Drizzle, caseId: string) {
  await db.update(caseTasks).set({ assigneeId: null }).where(eq(caseTasks.caseId, caseId));
}
export async function insertReferral(db: Drizzle, row: typeof caseReferrals.$inferInsert) {
  await db.insert(caseReferrals).values(row);
}

/**
 * Everything a case holds besides its own row, sealed as stored. One query after another: inside a
 * transaction they share one connection, which answers one query at a time.
 */
export async function caseParts(db: Drizzle, caseId: string) {
  const custody = await db
    .select({ event: caseCustodyEvents, facilityName: caseFacilities.name, recordedBy: users.displayName })
    .from(caseCustodyEvents)
    .leftJoin(caseFacilities, eq(caseFacilities.id, caseCustodyEvents.facilityId))
    .leftJoin(users, eq(users.id, caseCustodyEvents.recordedBy))
    .where(eq(caseCustodyEvents.caseId, caseId))
    .orderBy(asc(caseCustodyEvents.at), asc(caseCustodyEvents.createdAt));
  const hearings = await db
    .select()
    .from(caseHearings)
    .where(eq(caseHearings.caseId, caseId))
    .orderBy(asc(caseHearings.at));
  const contacts = await db
    .select()
    .from(caseContacts)
    .where(eq(caseContacts.caseId, caseId))
    .orderBy(asc(caseContacts.createdAt));
  const tasks = await db
    .select({ task: caseTasks, assigneeName: users.displayName })
    .from(caseTasks)
    .leftJoin(users, eq(users.id, caseTasks.assigneeId))
    .where(eq(caseTasks.caseId, caseId))
    .orderBy(asc(caseTasks.createdAt));
  const notes = await db
    .select({ note: caseNotes, author: users.displayName })
    .from(caseNotes)
    .leftJoin(users, eq(users.id, caseNotes.authorId))
    .where(eq(caseNotes.caseId, caseId))
    .orderBy(asc(caseNotes.createdAt));
  const links = await db
    .select()
    .from(caseLinks)
    .where(eq(caseLinks.caseId, caseId))
    .orderBy(asc(caseLinks.createdAt));
  const members = await db
    .select({ userId: caseMembers.userId, name: users.displayName })
    .from(caseMembers)
    .innerJoin(users, eq(users.id, caseMembers.userId))
    .where(eq(caseMembers.caseId, caseId));
  return { custody, hearings, contacts, tasks, notes, links, members };
}

export async function organizationName(db: Drizzle, id: string) {
  const [row] = await db
    .select({ name: organizations.name })
    .from(organizations)
    .where(eq(organizations.id, id));
  return row?.name;
}

export async function userName(db: Drizzle, id: string) {
  const [row] = await db.select({ name: users.displayName }).from(users).where(eq(users.id, id));
  return row?.name;
}

export async function findFacility(db: Drizzle, coalitionId: string, id: string) {
  const [row] = await db
    .select()
    .from(caseFacilities)
    .where(and(eq(caseFacilities.coalitionId, coalitionId), eq(caseFacilities.id, id)));
  return row;
}

export function listFacilities(db: Drizzle, coalitionId: string) {
  return db
    .select({ id: caseFacilities.id, name: caseFacilities.name })
    .from(caseFacilities)
    .where(and(eq(caseFacilities.coalitionId, coalitionId), eq(caseFacilities.active, true)))
    .orderBy(asc(caseFacilities.name));
}

export async function insertFacility(db: Drizzle, coalitionId: string, name: string) {
  const [row] = await db
    .insert(caseFacilities)
    .values({ coalitionId, name })
    .returning({ id: caseFacilities.id, name: caseFacilities.name });
  if (!row) throw new Error('facility not inserted');
  return row;
}

export function listOrganizations(db: Drizzle, coalitionId: string) {
  return db
    .select({ id: organizations.id, name: organizations.name })
    .from(organizations)
    .where(eq(organizations.coalitionId, coalitionId))
    .orderBy(asc(organizations.name));
}

/** The legal teams of these organizations (active accounts). */
export function legalPeopleOf(db: Drizzle, orgIds: string[]) {
  if (orgIds.length === 0) return Promise.resolve([]);
  return db
    .select({ id: users.id, name: users.displayName, organizationId: memberships.organizationId })
    .from(memberships)
    .innerJoin(users, eq(users.id, memberships.userId))
    .where(
      and(
        inArray(memberships.organizationId, orgIds),
        eq(memberships.role, 'legal'),
        isNull(users.disabledAt),
      ),
    )
    .orderBy(asc(users.displayName));
}

/** A user of the coalition, active. */
export async function activeUser(db: Drizzle, coalitionId: string, id: string) {
  const [row] = await db
    .select({ id: users.id })
    .from(users)
    .where(and(eq(users.coalitionId, coalitionId), eq(users.id, id), isNull(users.disabledAt)));
  return row;
}

export function referralsFrom(db: Drizzle, coalitionId: string, orgIds: string[]) {
  if (orgIds.length === 0) return Promise.resolve([]);
  return db
    .select({ referral: caseReferrals })
    .from(caseReferrals)
    .where(and(eq(caseReferrals.coalitionId, coalitionId), inArray(caseReferrals.fromOrganizationId, orgIds)))
    .orderBy(asc(caseReferrals.createdAt));
}

/** Closed cases past their retention that nobody holds. */
export function expiredCases(db: Drizzle, closedBefore: Date, limit: number) {
  return db
    .select({ id: cases.id, coalitionId: cases.coalitionId })
    .from(cases)
    .where(and(lt(cases.closedAt, closedBefore), isNull(cases.holdAt)))
    .limit(limit);
}

/**
 * Deletes a case with everything in it, the referral records that name it too: a sender's record
 * holds a note about the person, which ends with the case (the audit log keeps that it was referred).
 */
export async function deleteCase(db: Drizzle, id: string) {
  await db.delete(caseReferrals).where(eq(caseReferrals.caseId, id));
  await db.delete(cases).where(eq(cases.id, id));
}
