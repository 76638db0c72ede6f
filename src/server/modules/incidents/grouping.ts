import { cellToLatLng } from 'h3-js';
import type { GroupingPolicy } from '../../../shared/incident.js';
import type { Activity } from '../../../shared/report-fields.js';

/** Where a report is, as grouping sees it: the center of its cell, and its zone. */
export interface GroupingPlace {
  position: { lat: number; lng: number } | null;
  zoneId: string | null;
}

export interface Candidate {
  id: string;
  zoneId: string | null;
  centerLat: number | null;
  centerLng: number | null;
  positionedCount: number;
  firstObservedAt: Date;
  lastObservedAt: Date;
}

const EARTH_RADIUS_KM = 6371.0088;

/** Great-circle distance in kilometres. */
export function distanceKm(a: { lat: number; lng: number }, b: { lat: number; lng: number }): number {
  const rad = Math.PI / 180;
  const dLat = (b.lat - a.lat) * rad;
  const dLng = (b.lng - a.lng) * rad;
  const h = Math.sin(dLat / 2) ** 2 + Math.cos(a.lat * rad) * Math.cos(b.lat * rad) * Math.sin(dLng / 2) ** 2;
  return 2 * EARTH_RADIUS_KM * Math.asin(Math.min(1, Math.sqrt(h)));
}

/**
 * The position grouping uses for a report: the center of its H3 cell (the
 * resolution-9 cell while it is kept, else the public one), never the exact
 * point. A report with only a zone has no position and groups by zone.
 */
export function groupingPlace(cell: string | null, zoneId: string | null): GroupingPlace {
  if (!cell) return { position: null, zoneId };
  const [lat, lng] = cellToLatLng(cell);
  return { position: { lat, lng }, zoneId };
}

/** The radius and window that apply to a report of this activity. */
export function thresholdsFor(policy: GroupingPolicy, activity: Activity) {
  const own = policy.byActivity[activity];
  return {
    radiusKm: own?.radiusKm ?? policy.radiusKm,
    windowMs: (own?.windowMinutes ?? policy.windowMinutes) * 60_000,
  };
}

/** The widest radius and window any activity uses: the bounds of the candidate query. */
export function widestThresholds(policy: GroupingPolicy) {
  const all = [undefined, ...Object.values(policy.byActivity)];
  return {
    radiusKm: Math.max(...all.map((t) => t?.radiusKm ?? policy.radiusKm)),
    windowMs: Math.max(...all.map((t) => t?.windowMinutes ?? policy.windowMinutes)) * 60_000,
  };
}

/**
 * Picks the open incident a new report belongs to, or null to open a new one.
 * A report joins when it was observed within the window of the incident's
 * sightings and is close: within the radius of the incident's center, or —
 * when either side knows only a zone — in the same zone. Of several, the
 * nearest wins, then the most recently seen.
 */
export function chooseIncident(
  report: GroupingPlace & { observedAt: Date; activity: Activity },
  candidates: readonly Candidate[],
  policy: GroupingPolicy,
): Candidate | null {
  const { radiusKm, windowMs } = thresholdsFor(policy, report.activity);
  const t = report.observedAt.getTime();
  let best: { candidate: Candidate; distance: number } | null = null;
  for (const candidate of candidates) {
    if (
      t < candidate.firstObservedAt.getTime() - windowMs ||
      t > candidate.lastObservedAt.getTime() + windowMs
    )
      continue;
    const center =
      candidate.centerLat !== null && candidate.centerLng !== null
        ? { lat: candidate.centerLat, lng: candidate.centerLng }
        : null;
    let distance: number;
    if (report.position && center) {
      distance = distanceKm(report.position, center);
      if (distance > radiusKm) continue;
    } else if (report.zoneId && candidate.zoneId === report.zoneId) {
      // Same zone, no shared position: as good as the edge of the radius.
      distance = radiusKm;
    } else {
      continue;
    }
    if (
      !best ||
      distance < best.distance ||
      (distance === best.distance && candidate.lastObservedAt > best.candidate.lastObservedAt)
    ) {
      best = { candidate, distance };
    }
  }
  return best?.candidate ?? null;
}

/** A latitude/longitude box around a point, for the candidate query's index-friendly bounds. */
export function boundingBox(position: { lat: number; lng: number }, radiusKm: number) {
  const dLat = radiusKm / 111.32;
  const dLng = radiusKm / (111.32 * Math.max(0.01, Math.cos((position.lat * Math.PI) / 180)));
  return {
    minLat: position.lat - dLat,
    maxLat: position.lat + dLat,
    minLng: position.lng - dLng,
    maxLng: position.lng + dLng,
  };
}
