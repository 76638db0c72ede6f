import { and, desc, eq, gt, inArray, isNull, notLike } from 'drizzle-orm';
import type { Drizzle } from '../../db/database.js';
import { invitations, organizations } from '../../db/schema.js';

export async function insertInvitation(db: Drizzle, row: typeof invitations.$inferInsert) {
  const [invitation] = await db.insert(invitations).values(row).returning();
  if (!invitation) throw new Error('invitation insert returned no row');
  return invitation;
}

/** The invitation with one of these secret hashes (the forms of one code), with its organization's coalition. */
export async function findInvitationBySecret(db: Drizzle, secretHashes: string[]) {
  const [row] = await db
    .select({
      invitation: invitations,
      coalitionId: organizations.coalitionId,
      organizationName: organizations.name,
    })
    .from(invitations)
    .innerJoin(organizations, eq(organizations.id, invitations.organizationId))
    .where(inArray(invitations.secretHash, secretHashes));
  return row;
}

/** Marks an invitation used — only if still open, so two people racing with one code cannot both join. */
export async function markInvitationAccepted(db: Drizzle, id: string, userId: string, at: Date) {
  const updated = await db
    .update(invitations)
    .set({ acceptedAt: at, acceptedBy: userId })
    .where(
      and(
        eq(invitations.id, id),
        isNull(invitations.acceptedAt),
        isNull(invitations.revokedAt),
        gt(invitations.expiresAt, at),
      ),
    )
    .returning({ id: invitations.id });
  return updated.length === 1;
}

export async function revokeInvitation(db: Drizzle, coalitionId: string, id: string, at: Date) {
  const open = await db
    .select({ id: invitations.id })
    .from(invitations)
    .innerJoin(organizations, eq(organizations.id, invitations.organizationId))
    .where(
      and(eq(invitations.id, id), eq(organizations.coalitionId, coalitionId), isNull(invitations.acceptedAt)),
    );
  if (open.length === 0) return false;
  await db.update(invitations).set({ revokedAt: at }).where(eq(invitations.id, id));
  return true;
}

/** Open invitations of a coalition, newest first. */
export async function listOpenInvitations(db: Drizzle, coalitionId: string, at: Date) {
  return db
    .select({
      id: invitations.id,
      organizationId: invitations.organizationId,
      organizationName: organizations.name,
      role: invitations.role,
      email: invitations.email,
      createdAt: invitations.createdAt,
      expiresAt: invitations.expiresAt,
    })
    .from(invitations)
    .innerJoin(organizations, eq(organizations.id, invitations.organizationId))
    .where(
      and(
        eq(organizations.coalitionId, coalitionId),
        isNull(invitations.acceptedAt),
        isNull(invitations.revokedAt),
        gt(invitations.expiresAt, at),
      ),
    )
    .orderBy(desc(invitations.createdAt));
}

/** The organization of one of the coalition's invitations, if it exists. */
export async function invitationOrganization(db: Drizzle, coalitionId: string, id: string) {
  const [row] = await db
    .select({ organizationId: invitations.organizationId })
    .from(invitations)
    .innerJoin(organizations, eq(organizations.id, invitations.organizationId))
    .where(and(eq(invitations.id, id), eq(organizations.coalitionId, coalitionId)));
  return row?.organizationId;
}

/** Invitations whose secret hash is not keyed (`k1:`) yet, for the upgrade at start. */
export async function unkeyedInvitations(db: Drizzle) {
  return db
    .select({ id: invitations.id, secretHash: invitations.secretHash })
    .from(invitations)
    .where(notLike(invitations.secretHash, 'k1:%'));
}

/** Replaces an invitation's stored hash with its keyed form (no-op if another process did it). */
export async function rewriteInvitationHash(db: Drizzle, id: string, from: string, to: string) {
  await db
    .update(invitations)
    .set({ secretHash: to })
    .where(and(eq(invitations.id, id), eq(invitations.secretHash, from)));
}
