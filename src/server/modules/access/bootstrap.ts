import { randomInt } from 'node:crypto';
import { normalizeEmail } from '../../../shared/access.js';
import type { Database } from '../../db/database.js';
import { firstCoalition, insertCoalition, organizationsByAge } from '../coalitions/coalitions.repo.js';
import { insertOrganization } from '../coalitions/organizations.repo.js';
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
    let coalition = await firstCoalition(db);
    if (!coalition) {
      if (!input.coalitionName || !input.organizationName) {
        throw new Error('This server has no coalition yet: give --coalition-name and --organization-name.');
      }
      coalition = await insertCoalition(db, input.coalitionName, slugify(input.coalitionName));
      await insertOrganization(db, coalition.id, input.organizationName, slugify(input.organizationName));
    }
    const orgs = await organizationsByAge(db, coalition.id);
    const organization = input.organizationSlug
      ? orgs.find((o) => o.slug === input.organizationSlug)
      : orgs[0];
    if (!organization)
      throw new Error(`No organization "${input.organizationSlug ?? ''}" in this coalition.`);
    const email = normalizeEmail(input.email);
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
