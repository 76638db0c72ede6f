/**
 * The report's vocabularies and limits, without zod, so the public pages can
 * use them without shipping a validation library to a cheap phone.
 */

export const LANGUAGES = ['en', 'es'] as const;
export type Language = (typeof LANGUAGES)[number];
/** Each language as this network speaks and writes it (CAP `language`, dates and times in alerts). */
export const LOCALE_TAGS: Record<Language, string> = { en: 'en-US', es: 'es-US' };

export const ACTIVITIES = [
  'arrest',
  'raid',
  'checkpoint',
  'patrol',
  'surveillance',
  'staging',
  'other',
] as const;
export type Activity = (typeof ACTIVITIES)[number];

export const UNIFORMS = [
  'ice',
  'hsi',
  'cbp',
  'border_patrol',
  'police',
  'sheriff',
  'plainclothes',
  'unknown',
  'other',
] as const;

export const EQUIPMENT = [
  'unmarked_vehicles',
  'marked_vehicles',
  'vans_buses',
  'tactical_gear',
  'weapons_visible',
  'helicopter_drone',
  'other',
] as const;

export const REPORT_STATUSES = ['received', 'under_review', 'confirmed', 'not_confirmed', 'closed'] as const;

export const CHANNELS = ['web', 'sms', 'hotline', 'field'] as const;

/**
 * The image types a photo may be sent as (`POST /api/reports/photos`): the server reads each and
 * re-encodes it as a new JPEG. The form sends any other file as JPEG, and the server judges it by
 * what it holds.
 */
export const PHOTO_TYPES = [
  'image/jpeg',
  'image/png',
  'image/webp',
  'image/gif',
  'image/avif',
  'image/heic',
  'image/heif',
  'image/tiff',
] as const;

/** The most agents and vehicles a report (or a report from the scene) may count. */
export const SIZE_LIMITS = { agents: 1000, vehicles: 500 } as const;

export const LIMITS = {
  descriptionChars: 4000,
  placeChars: 300,
  markingsChars: 300,
  /** A report older than this is not a report of current activity. */
  observedMaxAgeHours: 24 * 7,
  /** Tolerated clock skew of the reporter's device. */
  observedFutureSkewMinutes: 10,
} as const;

/** An incident is open until verified; merged incidents live on only as a pointer to the one they joined. */
export const INCIDENT_STATUSES = ['open', 'confirmed', 'not_confirmed', 'closed', 'merged'] as const;
export type IncidentStatus = (typeof INCIDENT_STATUSES)[number];
/** The statuses a dispatcher sets by hand (merged comes from merging). */
export const SETTABLE_INCIDENT_STATUSES = ['open', 'confirmed', 'not_confirmed', 'closed'] as const;
/**
 * The statuses of an incident that still gathers reports: a new report nearby joins it. A closed
 * incident is over (a report there starts a new one) and a merged one lives on in another. The
 * grouping index's predicate (db/schema/incidents.ts) and the candidates' query are made from this list.
 */
export const GATHERING_INCIDENT_STATUSES = [
  'open',
  'confirmed',
  'not_confirmed',
] as const satisfies readonly IncidentStatus[];
/** The statuses that are a verdict: what a reporter is told (receipt status, the SMS follow-up). */
export const VERDICTS = ['confirmed', 'not_confirmed', 'closed'] as const satisfies readonly IncidentStatus[];
export type Verdict = (typeof VERDICTS)[number];
/** Whether an incident's status is a verdict a reporter is told. */
export const isVerdict = (status: IncidentStatus | null | undefined): status is Verdict =>
  (VERDICTS as readonly (IncidentStatus | null | undefined)[]).includes(status);

/**
 * A responder's safety on scene: fine, asked for help, or missed a check-in. Here (not in
 * dispatch.ts) so the incident contract can use it without the two importing each other.
 */
export const SAFETY = ['ok', 'help', 'missed'] as const;

/** Triage warnings on an incident. */
export const RED_FLAGS = ['stale', 'vague_location', 'secondhand'] as const;
export type RedFlag = (typeof RED_FLAGS)[number];
/** A sighting older than this is stale: whatever was there may have moved on. */
export const STALE_SIGHTING_MINUTES = 30;

/** Red flags of an incident, from its counts and the time of its newest sighting. */
export function redFlagsOf(
  incident: { lastObservedAt: string; preciseCount: number; firsthandCount: number; reportCount: number },
  now: Date,
): RedFlag[] {
  const flags: RedFlag[] = [];
  if (now.getTime() - new Date(incident.lastObservedAt).getTime() > STALE_SIGHTING_MINUTES * 60_000)
    flags.push('stale');
  if (incident.reportCount > 0 && incident.preciseCount === 0) flags.push('vague_location');
  if (incident.reportCount > 0 && incident.firsthandCount === 0) flags.push('secondhand');
  return flags;
}
