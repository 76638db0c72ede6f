import {
  cellToLatLng,
  getHexagonEdgeLengthAvg,
  getResolution,
  greatCircleDistance,
  gridDistance,
} from 'h3-js';
import type { SKILLS } from '../../../shared/dispatch.js';

/**
 * Who to send: available responders ranked for an incident by distance (H3
 * grid distance turned into km), the skills and languages it needs, and how
 * much each already carries. Pure: the service loads the facts.
 */

export type Skill = (typeof SKILLS)[number];

export interface Candidate {
  userId: string;
  name: string;
  /** Where they said they are (a resolution-8 cell), or null when they share no location. */
  cell: string | null;
  homeZoneIds: readonly string[];
  languages: readonly string[];
  skills: readonly string[];
  /** Assignments they hold now (offered, accepted, en route, on scene). */
  load: number;
}

export interface Need {
  /** The incident's coarse cell (resolution 8), or null when only its zone is known. */
  cell: string | null;
  zoneId: string | null;
  /** Languages of the people reporting it. */
  languages: readonly string[];
  /** A legal observer is wanted first; pairs are formed for them. */
  skill: Skill | null;
}

export interface Suggestion {
  userId: string;
  name: string;
  /** Null when their location or the incident's is unknown. */
  km: number | null;
  score: number;
  reasons: string[];
}

/** Kilometres between two cells' centers: grid steps × the center spacing, or great-circle when far apart. */
export function cellDistanceKm(a: string, b: string): number {
  const resolution = getResolution(a);
  const step = Math.sqrt(3) * getHexagonEdgeLengthAvg(resolution, 'km');
  try {
    return gridDistance(a, b) * step;
  } catch {
    // Grid distance fails across pentagons and very far apart: fall back to the sphere.
    return greatCircleDistance(cellToLatLng(a), cellToLatLng(b), 'km');
  }
}

/** How much each fact is worth, in kilometres of extra travel. */
const WEIGHT = {
  unknownDistanceKm: 6,
  noCommonLanguage: 3,
  missingSkill: 4,
  perAssignment: 2,
  homeZone: -0.5,
} as const;

/** Candidates best first (lowest score); ties keep the given order. */
export function rankResponders(candidates: readonly Candidate[], need: Need): Suggestion[] {
  return candidates
    .map((candidate) => {
      const reasons: string[] = [];
      const km = candidate.cell && need.cell ? cellDistanceKm(candidate.cell, need.cell) : null;
      let score = km ?? WEIGHT.unknownDistanceKm;
      if (km === null) reasons.push('distance_unknown');
      if (need.languages.length > 0 && !need.languages.some((l) => candidate.languages.includes(l))) {
        score += WEIGHT.noCommonLanguage;
        reasons.push('no_common_language');
      }
      if (need.skill && !candidate.skills.includes(need.skill)) {
        score += WEIGHT.missingSkill;
        reasons.push('missing_skill');
      }
      if (candidate.load > 0) {
        score += WEIGHT.perAssignment * candidate.load;
        reasons.push('busy');
      }
      if (need.zoneId && candidate.homeZoneIds.includes(need.zoneId)) {
        score += WEIGHT.homeZone;
        reasons.push('home_zone');
      }
      return { userId: candidate.userId, name: candidate.name, km, score, reasons };
    })
    .sort((a, b) => a.score - b.score);
}

/**
 * Pairs for work done in pairs (legal observers): the best-ranked one with the
 * nearest other, then the next two, and so on.
 */
export function pairUp(
  ranked: readonly Suggestion[],
  cells: ReadonlyMap<string, string | null>,
): [Suggestion, Suggestion][] {
  const left = [...ranked];
  const pairs: [Suggestion, Suggestion][] = [];
  while (left.length >= 2) {
    const first = left.shift() as Suggestion;
    const home = cells.get(first.userId) ?? null;
    let best = 0;
    let bestKm = Number.POSITIVE_INFINITY;
    left.forEach((other, i) => {
      const there = cells.get(other.userId) ?? null;
      const km = home && there ? cellDistanceKm(home, there) : Number.POSITIVE_INFINITY;
      if (km < bestKm) {
        bestKm = km;
        best = i;
      }
    });
    const [second] = left.splice(best, 1);
    if (second) pairs.push([first, second]);
  }
  return pairs;
}
