import { cellToLatLng, cellToParent, getResolution, isValidCell, latLngToCell, polygonToCells } from 'h3-js';

/** Zones are filled with resolution-9 cells (~0.1 km²), fine enough to follow neighborhood borders. */
export const ZONE_CELL_RESOLUTION = 9;
/**
 * What "a public place" is, when it is not a zone: an H3 cell of resolution 8
 * (~0.7 km², about 1 km across, as the product brief says) or coarser. The
 * one definition: reports, incidents and a responder's shared location are
 * stored at it, the board shows it, and the approver's incident facts give
 * nothing finer.
 */
export const PUBLIC_CELL_RESOLUTION = 8;

/**
 * How finely a responder sent to an incident is shown where it is: a cell of resolution 9
 * (~0.1 km², about 350 m across — the cells reports are grouped by), never a reported position.
 * Finer than public, so only the responder who accepted the incident is given it.
 */
export const RESPONDER_CELL_RESOLUTION = ZONE_CELL_RESOLUTION;

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

/**
 * A cell as it may be shown beyond the exact-location roles: itself when it is
 * of the public resolution or coarser, else its public parent; null when it is
 * not a cell.
 */
export function toPublicCell(cell: string): string | null {
  if (!isValidCell(cell)) return null;
  return getResolution(cell) > PUBLIC_CELL_RESOLUTION ? cellToParent(cell, PUBLIC_CELL_RESOLUTION) : cell;
}

/**
 * The point a responder's maps app is sent to: the center of the responder-resolution cell the
 * incident's center falls in (rounded to 5 decimals, ~1 m, below the cell's own precision). The one
 * place that decides how precisely a responder learns where an incident is.
 */
export function responderPointOf(center: { lat: number; lng: number }): { lat: number; lng: number } {
  const [lat, lng] = cellToLatLng(latLngToCell(center.lat, center.lng, RESPONDER_CELL_RESOLUTION));
  const round = (value: number) => Math.round(value * 1e5) / 1e5;
  return { lat: round(lat), lng: round(lng) };
}
