import { type Activity, type IncidentStatus, type RedFlag, redFlagsOf } from './report-fields.js';

/*
 * How much an incident on the board asks for attention now: the board's one
 * priority rule, shared by the list and its tests (zod-free, so the board
 * carries no validation library for it). Every threshold lives here.
 */

/** Sizes (the median the reports give) from which a team is large, or medium: an operation, not a passing car. */
export const SIZE_THRESHOLDS = {
  large: { agents: 10, vehicles: 5 },
  medium: { agents: 4, vehicles: 2 },
} as const;

/** A sighting at most this old is happening now; older than STALE_SIGHTING_MINUTES it is stale. */
export const FRESH_SIGHTING_MINUTES = 10;

export type SizeClass = 'large' | 'medium' | 'small' | 'unknown';
/** What the activity means for the people there: detentions, an operation set up, or agents seen. */
export type ActivityKind = 'detentions' | 'operation' | 'presence';
export type Freshness = 'now' | 'recent' | 'stale';
export type PriorityLevel = 'high' | 'normal' | 'low';

export const ACTIVITY_KINDS: Record<Activity, ActivityKind> = {
  arrest: 'detentions',
  raid: 'detentions',
  checkpoint: 'operation',
  staging: 'operation',
  patrol: 'presence',
  surveillance: 'presence',
  other: 'presence',
};

/** What the rule reads of an incident (the board's summary has all of it). */
export interface PriorityFacts {
  status: IncidentStatus;
  activity: Activity;
  /** The median number of agents (vehicles) the reports give, or null when none said. */
  agents: number | null;
  vehicles: number | null;
  lastObservedAt: string;
  reportCount: number;
  firsthandCount: number;
  preciseCount: number;
  safety: 'ok' | 'help' | 'missed';
}

export interface IncidentPriority {
  level: PriorityLevel;
  size: SizeClass;
  agents: number | null;
  vehicles: number | null;
  kind: ActivityKind;
  /** Whole minutes since the newest sighting (never negative). */
  minutesAgo: number;
  freshness: Freshness;
  flags: RedFlag[];
}

/** Large, medium or small from the reported agents and vehicles; unknown when nobody counted. */
export function sizeClassOf(agents: number | null, vehicles: number | null): SizeClass {
  if (agents === null && vehicles === null) return 'unknown';
  const a = agents ?? 0;
  const v = vehicles ?? 0;
  if (a >= SIZE_THRESHOLDS.large.agents || v >= SIZE_THRESHOLDS.large.vehicles) return 'large';
  if (a >= SIZE_THRESHOLDS.medium.agents || v >= SIZE_THRESHOLDS.medium.vehicles) return 'medium';
  return 'small';
}

/**
 * The priority of an incident on the board, with the facts it was judged by
 * (each shown in words on the row, never by color alone):
 *
 * - **high**: a responder there asked for help or missed a check-in; or it is
 *   still open or confirmed, seen within the last STALE_SIGHTING_MINUTES, and
 *   either large, or detentions (an arrest or a raid) seen first-hand;
 * - **low**: decided (not confirmed, closed, merged), or its newest sighting is
 *   stale, or it is second-hand only with no precise place;
 * - **normal**: everything else.
 */
export function incidentPriority(incident: PriorityFacts, now: Date): IncidentPriority {
  const minutesAgo = Math.max(
    0,
    Math.floor((now.getTime() - new Date(incident.lastObservedAt).getTime()) / 60_000),
  );
  const flags = redFlagsOf(incident, now);
  // Stale exactly when the red flag says so (older than STALE_SIGHTING_MINUTES).
  const freshness: Freshness = flags.includes('stale')
    ? 'stale'
    : minutesAgo <= FRESH_SIGHTING_MINUTES
      ? 'now'
      : 'recent';
  const size = sizeClassOf(incident.agents, incident.vehicles);
  const kind = ACTIVITY_KINDS[incident.activity];
  const facts = {
    size,
    agents: incident.agents,
    vehicles: incident.vehicles,
    kind,
    minutesAgo,
    freshness,
    flags,
  };

  const undecided = incident.status === 'open' || incident.status === 'confirmed';
  const firsthand = !flags.includes('secondhand');
  const vague = flags.includes('vague_location') && !firsthand;
  let level: PriorityLevel = 'normal';
  if (incident.safety !== 'ok') level = 'high';
  else if (!undecided || flags.includes('stale') || vague) level = 'low';
  else if (size === 'large' || (kind === 'detentions' && firsthand)) level = 'high';
  return { level, ...facts };
}
