import { can } from '../../../shared/permissions.js';
import type { Drizzle } from '../../db/database.js';
import { AppError } from '../../http/errors.js';
import { membershipsOf } from '../access/users.repo.js';
import { organizationNames } from './rights.repo.js';

/**
 * Who reviews for whom — one definition for the rights library's texts and recordings and for
 * the translations of Faro's own words.
 */

/** The organizations a person reviews for: those where a role of theirs grants the review. */
export async function reviewerOrganizations(db: Drizzle, actorId: string) {
  const ids = new Set(
    (await membershipsOf(db, actorId))
      .filter((m) => can([m.role], 'rights:review'))
      .map((m) => m.organizationId),
  );
  return (await organizationNames(db, [...ids])).sort((a, b) => a.name.localeCompare(b.name));
}

/**
 * The member organization a review is for: the one named, if the reviewer reviews for it, else
 * their only one; VALIDATION when it is not theirs or not said.
 */
export async function reviewingFor(db: Drizzle, actorId: string, asked: string | undefined): Promise<string> {
  const reviewing = (await reviewerOrganizations(db, actorId)).map((o) => o.id);
  const organizationId = asked ?? (reviewing.length === 1 ? reviewing[0] : undefined);
  if (!organizationId || !reviewing.includes(organizationId))
    throw new AppError('VALIDATION', 'Say which of your organizations this review is for.', {
      fields: [{ field: 'organizationId', message: 'one of your organizations' }],
    });
  return organizationId;
}
