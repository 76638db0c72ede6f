import { and, asc, count, eq, isNull } from 'drizzle-orm';
import type { Drizzle } from '../../db/database.js';
import { zoneCells, zones } from '../../db/schema.js';

/** Zones of a coalition with the number of cells that fill each. */
export async function listZones(db: Drizzle, coalitionId: string) {
  return db
    .select({ id: zones.id, slug: zones.slug, name: zones.name, cellCount: count(zoneCells.cell) })
    .from(zones)
    .leftJoin(zoneCells, eq(zoneCells.zoneId, zones.id))
    .where(and(eq(zones.coalitionId, coalitionId), isNull(zones.retiredAt)))
    .groupBy(zones.id)
    .orderBy(asc(zones.name));
}

/** A zone of the coalition by id, or undefined. */
export async function findZone(db: Drizzle, coalitionId: string, zoneId: string) {
  const [zone] = await db
    .select({ id: zones.id, name: zones.name })
    .from(zones)
    .where(and(eq(zones.coalitionId, coalitionId), eq(zones.id, zoneId), isNull(zones.retiredAt)));
  return zone;
}

/**
 * The coalition's zone that contains a zone-resolution cell (null if none), as a scalar subquery's
 * text for a statement written once: `$<coalitionParam>` is the coalition's id, `$<cellParam>` the
 * cell. Intake puts it inside the report's insert, so finding the zone costs no round trip of its own.
 */
export function zoneOfCellSql(coalitionParam: number, cellParam: number): string {
  if (!Number.isSafeInteger(coalitionParam) || !Number.isSafeInteger(cellParam))
    throw new Error(`not parameter numbers: ${coalitionParam}, ${cellParam}`);
  return `(select "zone_cells"."zone_id" from "zone_cells"
      inner join "zones" on "zones"."id" = "zone_cells"."zone_id"
      where "zone_cells"."cell" = $${cellParam} and "zones"."coalition_id" = $${coalitionParam}
        and "zones"."retired_at" is null
      limit 1)`;
}

/** Every zone's outline. */
export async function listZoneBoundaries(db: Drizzle, coalitionId: string) {
  return db
    .select({ id: zones.id, name: zones.name, boundary: zones.boundary })
    .from(zones)
    .where(and(eq(zones.coalitionId, coalitionId), isNull(zones.retiredAt)))
    .orderBy(asc(zones.name));
}

/** A new zone with the cells that fill it, in the caller's transaction. */
export async function insertZone(
  db: Drizzle,
  zone: { coalitionId: string; slug: string; name: string; boundary: unknown; h3Resolution: number },
  cells: readonly string[],
): Promise<string> {
  const [row] = await db.insert(zones).values(zone).returning({ id: zones.id });
  if (!row) throw new Error('zone insert returned no row');
  for (let i = 0; i < cells.length; i += 5000) {
    await db.insert(zoneCells).values(cells.slice(i, i + 5000).map((cell) => ({ zoneId: row.id, cell })));
  }
  return row.id;
}

export async function slugTaken(db: Drizzle, coalitionId: string, slug: string): Promise<boolean> {
  const [row] = await db
    .select({ id: zones.id })
    .from(zones)
    .where(and(eq(zones.coalitionId, coalitionId), eq(zones.slug, slug)));
  return Boolean(row);
}

/** Renames or retires a zone; false when there is no such zone. */
export async function updateZone(
  db: Drizzle,
  coalitionId: string,
  zoneId: string,
  values: { name?: string; retiredAt?: Date },
): Promise<boolean> {
  const changed = await db
    .update(zones)
    .set(values)
    .where(and(eq(zones.coalitionId, coalitionId), eq(zones.id, zoneId)))
    .returning({ id: zones.id });
  return changed.length > 0;
}
