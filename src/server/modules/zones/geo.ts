import { cellToParent, latLngToCell, polygonToCells } from 'h3-js';

/** Zones are filled with resolution-9 cells (~0.1 km²), fine enough to follow neighborhood borders. */
export const ZONE_CELL_RESOLUTION = 9;
/** The coarse public location of a report: a resolution-8 cell, about 1 km across. */
export const PUBLIC_CELL_RESOLUTION = 8;

/** A GeoJSON Polygon: rings of [lng, lat] positions, the first ring the outline. */
export interface PolygonGeometry {
  type: 'Polygon';
  coordinates: [number, number][][];
}

/** The H3 cells whose centers fall inside the polygon. */
export function polygonCells(polygon: PolygonGeometry, resolution = ZONE_CELL_RESOLUTION): string[] {
  return polygonToCells(polygon.coordinates, resolution, true);
}

/** The zone-resolution cell of a point, used to find the zone it falls in. */
export function zoneCellOf(lat: number, lng: number): string {
  return latLngToCell(lat, lng, ZONE_CELL_RESOLUTION);
}

/** The coarse public cell of a point. */
export function publicCellOf(lat: number, lng: number): string {
  return cellToParent(latLngToCell(lat, lng, ZONE_CELL_RESOLUTION), PUBLIC_CELL_RESOLUTION);
}
