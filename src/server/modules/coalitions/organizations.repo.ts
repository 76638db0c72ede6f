import { and, asc, eq, inArray } from 'drizzle-orm';
import type { Drizzle } from '../../db/database.js';
import { organizations, organizationZones, zones } from '../../db/schema.js';

/** An organization of the coalition by id. */
export async function findOrganization(db: Drizzle, coalitionId: string, id: string) {
  const [row] = await db
    .select({ id: organizations.id, name: organizations.name })
    .from(organizations)
    .where(and(eq(organizations.id, id), eq(organizations.coalitionId, coalitionId)));
  return row;
}

/** The coalition's member organizations by name, with the zones each covers. */
export async function listOrganizations(db: Drizzle, coalitionId: string) {
  const rows = await db
    .select({
      id: organizations.id,
      slug: organizations.slug,
      name: organizations.name,
      zoneId: organizationZones.zoneId,
    })
    .from(organizations)
    .leftJoin(organizationZones, eq(organizationZones.organizationId, organizations.id))
    .where(eq(organizations.coalitionId, coalitionId))
    .orderBy(asc(organizations.name));
  const byId = new Map<string, { id: string; slug: string; name: string; zoneIds: string[] }>();
  for (const row of rows) {
    const org = byId.get(row.id) ?? { id: row.id, slug: row.slug, name: row.name, zoneIds: [] };
    if (row.zoneId) org.zoneIds.push(row.zoneId);
    byId.set(row.id, org);
  }
  return [...byId.values()];
}

/** Inserts an organization; null when the slug is taken. */
export async function insertOrganization(db: Drizzle, coalitionId: string, name: string, slug: string) {
  const [row] = await db
    .insert(organizations)
    .values({ coalitionId, name, slug })
    .onConflictDoNothing()
    .returning({ id: organizations.id });
  return row ?? null;
}

/** Replaces the zones an organization covers with the given ones (of the same coalition). */
export async function setOrganizationZones(
  db: Drizzle,
  coalitionId: string,
  organizationId: string,
  zoneIds: string[],
) {
  const valid = zoneIds.length
    ? await db
        .select({ id: zones.id })
        .from(zones)
        .where(and(eq(zones.coalitionId, coalitionId), inArray(zones.id, zoneIds)))
    : [];
  await db.delete(organizationZones).where(eq(organizationZones.organizationId, organizationId));
  if (valid.length)
    await db.insert(organizationZones).values(valid.map((z) => ({ organizationId, zoneId: z.id })));
  return valid.length;
}
