import type { ErrorReason } from '../../../shared/errors.js';
import { PAGE_QUERIES } from '../../../shared/pages.js';
import { type ZoneGeometry, type ZoneSummary, zoneListSchema } from '../../../shared/zone.js';
import type { Database, Drizzle } from '../../db/database.js';
import { AppError } from '../../http/errors.js';
import { slugify } from '../coalitions/slug.js';
import { type PolygonGeometry, polygonCells, publicCellOf, ZONE_CELL_RESOLUTION, zoneCellOf } from './geo.js';
import { findZone, insertZone, listZoneBoundaries, listZones, slugTaken, updateZone } from './zones.repo.js';

export interface ResolvedLocation {
  /**
   * The zone chosen on the form (checked to exist). None chosen: the report's insert finds the zone
   * holding `fineCell` (`zoneOfCellSql`), in the same statement.
   */
  zoneId: string | null;
  /** The public cell (resolution 8) of a shared position. */
  h3Cell: string | null;
  /** The zone-resolution cell (9) of a shared position, for grouping; restricted. */
  fineCell: string | null;
}

export interface ZoneService {
  list(coalitionId: string): Promise<ZoneSummary[]>;
  geometry(coalitionId: string): Promise<ZoneGeometry>;
  /** A zone from a GeoJSON polygon (a geometry, a feature, or a collection of one), filled with its H3 cells. */
  create(
    coalitionId: string,
    input: { name: string; geojson: unknown },
  ): Promise<{ id: string; cellCount: number }>;
  rename(coalitionId: string, zoneId: string, name: string): Promise<void>;
  /** No longer offered or matched; reports and incidents keep it. */
  retire(coalitionId: string, zoneId: string, at: Date): Promise<void>;
  /**
   * Resolves a reported location to its chosen zone and its cells. A chosen zone
   * must exist; the zone of a shared position is found as the report is stored
   * (`zoneOfCellSql`), and one outside every zone is still accepted (a report
   * is never refused for where it happened) with no zone.
   */
  resolveLocation(
    coalitionId: string,
    location: { zoneId?: string | undefined; lat?: number | undefined; lng?: number | undefined },
  ): Promise<ResolvedLocation>;
}

const MAX_ZONE_CELLS = 200_000;

/** An outline refused, with the reason the web app words for its reader (and the ring it is about). */
const invalid = (message: string, reason: ErrorReason, ring?: number) =>
  new AppError('VALIDATION', message, {
    fields: [{ field: 'geojson', message }],
    reason,
    ...(ring === undefined ? {} : { ring }),
  });

/** The one polygon in a GeoJSON geometry, feature or single-feature collection, closed and checked. */
export function polygonOf(geojson: unknown): PolygonGeometry {
  let value = geojson as { type?: string; geometry?: unknown; features?: unknown[]; coordinates?: unknown };
  if (value?.type === 'FeatureCollection') {
    if (!Array.isArray(value.features) || value.features.length !== 1)
      throw invalid(
        `Give one polygon per zone: the collection has ${value.features?.length ?? 0} features.`,
        'zone_one_polygon',
      );
    value = value.features[0] as typeof value;
  }
  if (value?.type === 'Feature') value = value.geometry as typeof value;
  if (value?.type === 'MultiPolygon')
    throw invalid('Give one polygon per zone, not a MultiPolygon.', 'zone_one_polygon');
  if (value?.type !== 'Polygon' || !Array.isArray(value.coordinates) || value.coordinates.length === 0)
    throw invalid('This is not a GeoJSON Polygon.', 'zone_not_polygon');
  const rings = (value.coordinates as unknown[]).map((ring, r) => {
    if (!Array.isArray(ring)) throw invalid(`Ring ${r + 1} is not a list of positions.`, 'zone_ring', r + 1);
    const positions = ring.map((p) => {
      const [lng, lat] = Array.isArray(p) ? p : [];
      if (typeof lng !== 'number' || typeof lat !== 'number' || Math.abs(lat) > 90 || Math.abs(lng) > 180)
        throw invalid(`Ring ${r + 1} has a position that is not [longitude, latitude].`, 'zone_ring', r + 1);
      return [lng, lat] as [number, number];
    });
    const first = positions[0];
    const last = positions.at(-1);
    if (first && last && (first[0] !== last[0] || first[1] !== last[1])) positions.push(first);
    if (positions.length < 4)
      throw invalid(`Ring ${r + 1} needs at least three corners.`, 'zone_corners', r + 1);
    return positions;
  });
  return { type: 'Polygon', coordinates: rings };
}

export function createZoneService(db: Drizzle, database?: Database): ZoneService {
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
      return {
        zoneId,
        h3Cell: publicCellOf(location.lat, location.lng),
        fineCell: zoneCellOf(location.lat, location.lng),
      };
    },
    async create(coalitionId, input) {
      const boundary = polygonOf(input.geojson);
      const cells = polygonCells(boundary);
      if (cells.length === 0)
        throw invalid('The polygon is too small to hold a 0.1 km² cell; draw it larger.', 'zone_too_small');
      if (cells.length > MAX_ZONE_CELLS)
        throw invalid(
          'The polygon is larger than a zone can be; split it into neighborhoods.',
          'zone_too_large',
        );
      const base = slugify(input.name);
      let slug = base;
      for (let n = 2; await slugTaken(db, coalitionId, slug); n++) slug = `${base}-${n}`;
      const write = (tx: Drizzle) =>
        insertZone(
          tx,
          { coalitionId, slug, name: input.name, boundary, h3Resolution: ZONE_CELL_RESOLUTION },
          cells,
        );
      const id = database ? await database.transaction((tx) => write(tx.db)) : await write(db);
      return { id, cellCount: cells.length };
    },
    async rename(coalitionId, zoneId, name) {
      if (!(await updateZone(db, coalitionId, zoneId, { name })))
        throw new AppError('NOT_FOUND', 'No zone with this id.');
    },
    async retire(coalitionId, zoneId, at) {
      if (!(await updateZone(db, coalitionId, zoneId, { retiredAt: at })))
        throw new AppError('NOT_FOUND', 'No zone with this id.');
    },
  };
}

/** The zone list as a page rendered by the server starts with it (what `GET /api/zones` answers). */
export async function zonesPageQuery(zones: Pick<ZoneService, 'list'>, coalitionId: string) {
  return { key: PAGE_QUERIES.zones, data: zoneListSchema.parse({ zones: await zones.list(coalitionId) }) };
}
