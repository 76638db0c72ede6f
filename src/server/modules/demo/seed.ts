import { eq } from 'drizzle-orm';
import type { Database } from '../../db/database.js';
import { coalitions, organizations, zoneCells, zones } from '../../db/schema.js';
import { polygonCells, ZONE_CELL_RESOLUTION } from '../zones/geo.js';
import { DEMO_COALITION, DEMO_ORGANIZATIONS, DEMO_ZONES } from './demo-data.js';

/** Inserts the demo coalition, organizations and zones once; returns false if they already exist. */
export async function seedDemo(database: Database): Promise<boolean> {
  return database.transaction(async ({ db }) => {
    const existing = await db
      .select({ id: coalitions.id })
      .from(coalitions)
      .where(eq(coalitions.slug, DEMO_COALITION.slug));
    if (existing.length > 0) return false;
    const [coalition] = await db.insert(coalitions).values(DEMO_COALITION).returning({ id: coalitions.id });
    if (!coalition) throw new Error('coalition insert returned no row');
    await db
      .insert(organizations)
      .values(DEMO_ORGANIZATIONS.map((org) => ({ ...org, coalitionId: coalition.id })));
    for (const zone of DEMO_ZONES) {
      const [row] = await db
        .insert(zones)
        .values({ ...zone, coalitionId: coalition.id, h3Resolution: ZONE_CELL_RESOLUTION })
        .returning({ id: zones.id });
      if (!row) throw new Error('zone insert returned no row');
      const cells = polygonCells(zone.boundary);
      await db.insert(zoneCells).values(cells.map((cell) => ({ zoneId: row.id, cell })));
    }
    return true;
  });
}
