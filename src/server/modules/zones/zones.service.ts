import type { ZoneGeometry, ZoneSummary } from '../../../shared/zone.js';
import type { Drizzle } from '../../db/database.js';
import { AppError } from '../../http/errors.js';
import { type PolygonGeometry, publicCellOf, zoneCellOf } from './geo.js';
import { findZone, findZoneByCell, listZoneBoundaries, listZones } from './zones.repo.js';

export interface ResolvedLocation {
  zoneId: string | null;
  /** The public cell (resolution 8) of a shared position. */
  h3Cell: string | null;
  /** The zone-resolution cell (9) of a shared position, for grouping; restricted. */
  fineCell: string | null;
}

export interface ZoneService {
  list(coalitionId: string): Promise<ZoneSummary[]>;
  geometry(coalitionId: string): Promise<ZoneGeometry>;
  /**
   * Resolves a reported location to a zone and a coarse cell. A chosen zone
   * must exist; a shared position outside every zone is still accepted (a report
   * is never refused for where it happened) with no zone.
   */
  resolveLocation(
    coalitionId: string,
    location: { zoneId?: string | undefined; lat?: number | undefined; lng?: number | undefined },
  ): Promise<ResolvedLocation>;
}

export function createZoneService(db: Drizzle): ZoneService {
  return {
    list: (coalitionId) => listZones(db, coalitionId),
    async geometry(coalitionId) {
      const rows = await listZoneBoundaries(db, coalitionId);
      return {
        type: 'FeatureCollection',
        features: rows.map((row) => ({
          type: 'Feature',
          id: row.id,
          properties: { name: row.name },
          geometry: row.boundary as PolygonGeometry,
        })),
      };
    },
    async resolveLocation(coalitionId, location) {
      let zoneId: string | null = null;
      if (location.zoneId !== undefined) {
        const zone = await findZone(db, coalitionId, location.zoneId);
        if (!zone) {
          throw new AppError('VALIDATION', 'The chosen zone does not exist; pick one from the list.', {
            fields: [{ field: 'location.zoneId', message: 'no zone with this id' }],
          });
        }
        zoneId = zone.id;
      }
      if (location.lat === undefined || location.lng === undefined)
        return { zoneId, h3Cell: null, fineCell: null };
      const fineCell = zoneCellOf(location.lat, location.lng);
      if (!zoneId) zoneId = (await findZoneByCell(db, coalitionId, fineCell))?.id ?? null;
      return { zoneId, h3Cell: publicCellOf(location.lat, location.lng), fineCell };
    },
  };
}
