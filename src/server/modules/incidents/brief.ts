import type { IncidentBrief } from '../../../shared/dispatch.js';
import type { IncidentSummary } from '../../../shared/incident.js';
import type { ReportSummary } from '../../../shared/report.js';
import { responderPointOf } from '../zones/geo.js';
import { saluteViewOf } from './aggregates.js';

/** How many of the reports' descriptions of the place a responder is given: enough to find it, not a list to read. */
export const BRIEF_PLACES = 4;

/** The same words typed differently ("1st & Soto", "1st  &  soto ") count as one place. */
const sameness = (place: string) =>
  place.normalize('NFKC').normalize('NFD').replace(/\p{M}/gu, '').replace(/\s+/g, ' ').trim().toLowerCase();

/**
 * The places the reports gave (cross streets, a landmark), consolidated: the same words once, the
 * most often given first, then the most recently given; each as it was first written.
 */
export function placesOf(members: readonly Pick<ReportSummary, 'place' | 'receivedAt'>[]): string[] {
  const seen = new Map<string, { text: string; count: number; first: string; newest: string }>();
  for (const report of members) {
    const text = report.place?.replace(/\s+/g, ' ').trim();
    if (!text) continue;
    const key = sameness(text);
    const known = seen.get(key);
    if (!known) {
      seen.set(key, { text, count: 1, first: report.receivedAt, newest: report.receivedAt });
      continue;
    }
    known.count += 1;
    if (report.receivedAt > known.newest) known.newest = report.receivedAt;
    if (report.receivedAt < known.first) Object.assign(known, { text, first: report.receivedAt });
  }
  return [...seen.values()]
    .sort((a, b) => b.count - a.count || b.newest.localeCompare(a.newest))
    .slice(0, BRIEF_PLACES)
    .map((place) => place.text);
}

/**
 * What a responder who accepted an incident is told of it, pure: the places as reported, the
 * consolidated SALUTE, and the point for a maps app at the responder's precision. Who gets it is
 * the dispatch policy's to decide (`dispatch.policy.ts`).
 */
export function incidentBrief(
  incident: Pick<IncidentSummary, 'center'>,
  members: readonly ReportSummary[],
): IncidentBrief {
  return {
    places: placesOf(members),
    salute: saluteViewOf(members),
    point: incident.center ? responderPointOf(incident.center) : null,
  };
}
