import { and, eq, isNull, sql } from 'drizzle-orm';
import type { Role } from '../../../shared/access.js';
import type { Drizzle } from '../../db/database.js';
import { memberships, organizations, totpCredentials, users } from '../../db/schema.js';

export type UserRow = typeof users.$inferSelect;

/** A user of the coalition by e-mail (lower-cased). */
export async function findUserByEmail(db: Drizzle, coalitionId: string, email: string) {
  const [user] = await db
    .select()
    .from(users)
    .where(and(eq(users.coalitionId, coalitionId), eq(users.email, email)));
  return user;
}

/** A user by id. */
export async function findUser(db: Drizzle, id: string) {
  const [user] = await db.select().from(users).where(eq(users.id, id));
  return user;
}

/** The distinct roles a user holds across organizations. */
export async function rolesOf(db: Drizzle, userId: string): Promise<Role[]> {
  const rows = await db
    .selectDistinct({ role: memberships.role })
    .from(memberships)
    .where(eq(memberships.userId, userId));
  return rows.map((row) => row.role).sort();
}

/** Every role a user holds, per organization. */
export async function membershipsOf(db: Drizzle, userId: string) {
  const rows = await db
    .select({ organizationId: memberships.organizationId, role: memberships.role })
    .from(memberships)
    .where(eq(memberships.userId, userId));
  return rows.map((row) => ({ organizationId: row.organizationId, role: row.role }));
}

/** The organizations where a user holds the `admin` role (an organization's admin). */
export async function adminOrganizationIds(db: Drizzle, userId: string): Promise<string[]> {
  const rows = await db
    .select({ organizationId: memberships.organizationId })
    .from(memberships)
    .where(and(eq(memberships.userId, userId), eq(memberships.role, 'admin')));
  return rows.map((row) => row.organizationId);
}

/** Whether the user has a confirmed authenticator. */
export async function hasConfirmedTotp(db: Drizzle, userId: string): Promise<boolean> {
  const [row] = await db
    .select({ userId: totpCredentials.userId })
    .from(totpCredentials)
    .where(and(eq(totpCredentials.userId, userId), sql`${totpCredentials.confirmedAt} is not null`));
  return row !== undefined;
}

/** Inserts a user and returns it. */
export async function insertUser(db: Drizzle, row: typeof users.$inferInsert) {
  const [user] = await db.insert(users).values(row).returning();
  if (!user) throw new Error('user insert returned no row');
  return user;
}

/** Grants a role in an organization (no-op if held). */
export async function grantMembership(db: Drizzle, userId: string, organizationId: string, role: Role) {
  await db.insert(memberships).values({ userId, organizationId, role }).onConflictDoNothing();
}

/** Takes a role away; returns whether it was held. */
export async function revokeMembership(db: Drizzle, userId: string, organizationId: string, role: Role) {
  const removed = await db
    .delete(memberships)
    .where(
      and(
        eq(memberships.userId, userId),
        eq(memberships.organizationId, organizationId),
        eq(memberships.role, role),
      ),
    )
    .returning({ userId: memberships.userId });
  return removed.length === 1;
}

/** Sets a new password hash, clearing the forced change. */
export async function setPassword(db: Drizzle, userId: string, passwordHash: string, at: Date) {
  await db
    .update(users)
    .set({ passwordHash, mustChangePassword: false, passwordChangedAt: at })
    .where(eq(users.id, userId));
}

/** Disables or re-enables an account. */
export async function setDisabled(db: Drizzle, userId: string, at: Date | null) {
  await db.update(users).set({ disabledAt: at }).where(eq(users.id, userId));
}

/** The coalition's people with their roles per organization, for the admin pages. */
export async function listPeople(db: Drizzle, coalitionId: string) {
  const rows = await db
    .select({
      id: users.id,
      email: users.email,
      displayName: users.displayName,
      disabledAt: users.disabledAt,
      createdAt: users.createdAt,
      organizationId: memberships.organizationId,
      organizationName: organizations.name,
      role: memberships.role,
    })
    .from(users)
    .leftJoin(memberships, eq(memberships.userId, users.id))
    .leftJoin(organizations, eq(organizations.id, memberships.organizationId))
    .where(eq(users.coalitionId, coalitionId))
    .orderBy(users.displayName);
  return rows;
}

/** The enabled people of the coalition who hold this role in any of its organizations. */
export async function activeUserIdsWithRole(db: Drizzle, coalitionId: string, role: Role): Promise<string[]> {
  const rows = await db
    .selectDistinct({ id: users.id })
    .from(users)
    .innerJoin(memberships, eq(memberships.userId, users.id))
    .where(and(eq(users.coalitionId, coalitionId), eq(memberships.role, role), isNull(users.disabledAt)));
  return rows.map((row) => row.id);
}
