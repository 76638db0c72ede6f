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
  /** Where it was seen lately (a moving average that follows a patrol); null without positions. */
  recentLat: number | null;
  recentLng: number | null;
  positionedCount: number;
  reportCount: number;
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

/** How much closer (km) an incident counts as being for each doubling of its reports. */
export const SIZE_ADVANTAGE_KM = 0.3;

/** Weight of the newest position in an incident's recent position. */
export const RECENT_WEIGHT = 0.25;

/** The incident's recent position after a new sighting. */
export function followRecent(
  recent: { lat: number; lng: number } | null,
  position: { lat: number; lng: number },
): { lat: number; lng: number } {
  if (!recent) return position;
  return {
    lat: recent.lat + RECENT_WEIGHT * (position.lat - recent.lat),
    lng: recent.lng + RECENT_WEIGHT * (position.lng - recent.lng),
  };
}

/** The widest time window any activity uses: the bounds of the candidate query. */
export function widestWindowMs(policy: GroupingPolicy): number {
  const all = [undefined, ...Object.values(policy.byActivity)];
  return Math.max(...all.map((t) => t?.windowMinutes ?? policy.windowMinutes)) * 60_000;
}

/**
 * Picks the open incident a new report belongs to, or null to open a new one.
 * A report joins when it was observed within the window of the incident's
 * sightings and is close: within the radius of the incident's center or of
 * where it was seen lately (so a moving patrol is followed), or — when either
 * side knows only a zone — in the same zone. Of several, the nearest wins,
 * with a head start for the incident more people reported (a stray report
 * that opened its own incident nearby must not split an operation in two).
 */
export function chooseIncident<C extends Candidate>(
  report: GroupingPlace & { observedAt: Date; activity: Activity },
  candidates: readonly C[],
  policy: GroupingPolicy,
): C | null {
  const { radiusKm, windowMs } = thresholdsFor(policy, report.activity);
  const t = report.observedAt.getTime();
  let best: { candidate: C; score: number } | null = null;
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
    const recent =
      candidate.recentLat !== null && candidate.recentLng !== null
        ? { lat: candidate.recentLat, lng: candidate.recentLng }
        : null;
    let distance: number;
    if (report.position && center) {
      distance = Math.min(
        distanceKm(report.position, center),
        recent ? distanceKm(report.position, recent) : Number.POSITIVE_INFINITY,
      );
      if (distance > radiusKm) continue;
    } else if (report.zoneId && candidate.zoneId === report.zoneId) {
      // Same zone, no shared position: as good as the edge of the radius.
      distance = radiusKm;
    } else {
      continue;
    }
    const score = distance - SIZE_ADVANTAGE_KM * Math.log2(1 + candidate.reportCount);
    if (
      !best ||
      score < best.score ||
      (score === best.score && candidate.lastObservedAt > best.candidate.lastObservedAt)
    ) {
      best = { candidate, score };
    }
  }
  return best?.candidate ?? null;
}
