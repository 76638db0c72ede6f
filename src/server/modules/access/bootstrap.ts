import { randomInt } from 'node:crypto';
import { asc, eq } from 'drizzle-orm';
import type { Database } from '../../db/database.js';
import { coalitions, organizations } from '../../db/schema.js';
import { slugify } from '../coalitions/slug.js';
import { recordAudit } from './audit.js';
import { hashPassword } from './passwords.js';
import { findUserByEmail, grantMembership, insertUser } from './users.repo.js';

const ALPHABET = 'abcdefghjkmnpqrstuvwxyzABCDEFGHJKMNPQRSTUVWXYZ23456789';

export interface AdminInput {
  email: string;
  displayName: string;
  /** Slug of the organization to join; default: the first. */
  organizationSlug?: string | undefined;
  /** For a server with no coalition yet. */
  coalitionName?: string | undefined;
  organizationName?: string | undefined;
}

/**
 * Creates a coalition admin from the command line with a one-time password: the first
 * sign-in must set a new password and enrol a second factor. On a new server
 * it also creates the coalition and its first organization.
 */
export async function createAdmin(
  database: Database,
  input: AdminInput,
): Promise<{ oneTimePassword: string }> {
  const oneTimePassword = Array.from({ length: 20 }, () => ALPHABET[randomInt(ALPHABET.length)]).join('');
  const passwordHash = await hashPassword(oneTimePassword);
  await database.transaction(async ({ db }) => {
    let [coalition] = await db.select().from(coalitions).orderBy(asc(coalitions.createdAt)).limit(1);
    if (!coalition) {
      if (!input.coalitionName || !input.organizationName) {
        throw new Error('This server has no coalition yet: give --coalition-name and --organization-name.');
      }
      [coalition] = await db
        .insert(coalitions)
        .values({ name: input.coalitionName, slug: slugify(input.coalitionName) })
        .returning();
      if (!coalition) throw new Error('coalition insert returned no row');
      await db.insert(organizations).values({
        coalitionId: coalition.id,
        name: input.organizationName,
        slug: slugify(input.organizationName),
      });
    }
    const orgs = await db
      .select()
      .from(organizations)
      .where(eq(organizations.coalitionId, coalition.id))
      .orderBy(asc(organizations.createdAt));
    const organization = input.organizationSlug
      ? orgs.find((o) => o.slug === input.organizationSlug)
      : orgs[0];
    if (!organization)
      throw new Error(`No organization "${input.organizationSlug ?? ''}" in this coalition.`);
    const email = input.email.trim().toLowerCase();
    if (await findUserByEmail(db, coalition.id, email))
      throw new Error(`An account for ${email} already exists.`);
    const user = await insertUser(db, {
      coalitionId: coalition.id,
      email,
      displayName: input.displayName,
      passwordHash,
      mustChangePassword: true,
    });
    await grantMembership(db, user.id, organization.id, 'coalition_admin');
    await recordAudit(db, {
      coalitionId: coalition.id,
      actorId: null,
      action: 'user.created',
      subjectType: 'user',
      subjectId: user.id,
      at: new Date(),
    });
  });
  return { oneTimePassword };
}
