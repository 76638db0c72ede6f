import { and, asc, count, eq } from 'drizzle-orm';
import type { Drizzle } from '../../db/database.js';
import { zoneCells, zones } from '../../db/schema.js';

/** Zones of a coalition with the number of cells that fill each. */
export async function listZones(db: Drizzle, coalitionId: string) {
  return db
    .select({ id: zones.id, slug: zones.slug, name: zones.name, cellCount: count(zoneCells.cell) })
    .from(zones)
    .leftJoin(zoneCells, eq(zoneCells.zoneId, zones.id))
    .where(eq(zones.coalitionId, coalitionId))
    .groupBy(zones.id)
    .orderBy(asc(zones.name));
}

/** A zone of the coalition by id, or undefined. */
export async function findZone(db: Drizzle, coalitionId: string, zoneId: string) {
  const [zone] = await db
    .select({ id: zones.id, name: zones.name })
    .from(zones)
    .where(and(eq(zones.coalitionId, coalitionId), eq(zones.id, zoneId)));
  return zone;
}

/** The coalition's zone that contains a zone-resolution cell, or undefined. */
export async function findZoneByCell(db: Drizzle, coalitionId: string, cell: string) {
  const [zone] = await db
    .select({ id: zones.id, name: zones.name })
    .from(zoneCells)
    .innerJoin(zones, eq(zones.id, zoneCells.zoneId))
    .where(and(eq(zoneCells.cell, cell), eq(zones.coalitionId, coalitionId)))
    .limit(1);
  return zone;
}

/** Every zone's outline. */
export async function listZoneBoundaries(db: Drizzle, coalitionId: string) {
  return db
    .select({ id: zones.id, name: zones.name, boundary: zones.boundary })
    .from(zones)
    .where(eq(zones.coalitionId, coalitionId))
    .orderBy(asc(zones.name));
}
