import { sql } from 'drizzle-orm';
import type { Drizzle } from '../../db/database.js';

/** How much restricted data is held now, waiting for its deletion (read across the modules that own it). */
export async function heldRestrictedData(db: Drizzle) {
  const { rows } = await db.execute<{
    restricted: number;
    callbacks: number;
    photos: number;
    notes: number;
    oldest: Date | string | null;
  }>(
    sql`select
          (select count(*)::int from reports where restricted is not null) as restricted,
          (select count(*)::int from reports where callback is not null) as callbacks,
          (select count(*)::int from report_photos) as photos,
          (select count(*)::int from incident_timeline where note is not null) as notes,
          (select min(received_at) from reports where restricted is not null) as oldest`,
  );
  const row = rows[0];
  return {
    restricted: Number(row?.restricted ?? 0),
    callbacks: Number(row?.callbacks ?? 0),
    photos: Number(row?.photos ?? 0),
    notes: Number(row?.notes ?? 0),
    oldest: row?.oldest ?? null,
  };
}
