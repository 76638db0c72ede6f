import { asc, eq } from 'drizzle-orm';
import type { Drizzle } from '../../db/database.js';
import { coalitions, organizations } from '../../db/schema.js';

/** The deployment's coalition: the first one made. */
export async function firstCoalition(db: Drizzle) {
  const [row] = await db
    .select({ id: coalitions.id, slug: coalitions.slug, name: coalitions.name })
    .from(coalitions)
    .orderBy(asc(coalitions.createdAt))
    .limit(1);
  return row;
}

/** The coalition with this slug, if any. */
export async function findCoalitionBySlug(db: Drizzle, slug: string) {
  const [row] = await db.select({ id: coalitions.id }).from(coalitions).where(eq(coalitions.slug, slug));
  return row;
}

/** Makes the coalition of a new server. */
export async function insertCoalition(db: Drizzle, name: string, slug: string) {
  const [row] = await db
    .insert(coalitions)
    .values({ name, slug })
    .returning({ id: coalitions.id, slug: coalitions.slug, name: coalitions.name });
  if (!row) throw new Error('coalition insert returned no row');
  return row;
}

/** The coalition's organizations in the order they were made (the first is the default). */
export async function organizationsByAge(db: Drizzle, coalitionId: string) {
  return db
    .select({ id: organizations.id, slug: organizations.slug })
    .from(organizations)
    .where(eq(organizations.coalitionId, coalitionId))
    .orderBy(asc(organizations.createdAt));
}

/** A coalition's settings, as stored (the modules that use them own their shape), with its name. */
export async function findSettings(db: Drizzle, coalitionId: string) {
  const [row] = await db
    .select({ name: coalitions.name, grouping: coalitions.grouping, publishing: coalitions.publishing })
    .from(coalitions)
    .where(eq(coalitions.id, coalitionId));
  return row;
}

export async function updateSettings(
  db: Drizzle,
  coalitionId: string,
  values: { grouping?: object; publishing?: object },
): Promise<void> {
  await db.update(coalitions).set(values).where(eq(coalitions.id, coalitionId));
}
