import { and, asc, eq } from 'drizzle-orm';
import type { Drizzle } from '../../db/database.js';
import { organizations } from '../../db/schema.js';

/** An organization of the coalition by id. */
export async function findOrganization(db: Drizzle, coalitionId: string, id: string) {
  const [row] = await db
    .select({ id: organizations.id, name: organizations.name })
    .from(organizations)
    .where(and(eq(organizations.id, id), eq(organizations.coalitionId, coalitionId)));
  return row;
}

/** The coalition's member organizations by name. */
export async function listOrganizations(db: Drizzle, coalitionId: string) {
  return db
    .select({ id: organizations.id, slug: organizations.slug, name: organizations.name })
    .from(organizations)
    .where(eq(organizations.coalitionId, coalitionId))
    .orderBy(asc(organizations.name));
}
