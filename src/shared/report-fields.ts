/**
 * The report's vocabularies and limits, without zod, so the public pages can
 * use them without shipping a validation library to a cheap phone.
 */

export const LANGUAGES = ['en', 'es'] as const;
export type Language = (typeof LANGUAGES)[number];

export const ACTIVITIES = [
  'arrest',
  'raid',
  'checkpoint',
  'patrol',
  'surveillance',
  'staging',
  'other',
] as const;

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

export const LIMITS = {
  descriptionChars: 4000,
  placeChars: 300,
  markingsChars: 300,
  /** A report older than this is not a report of current activity. */
  observedMaxAgeHours: 24 * 7,
  /** Tolerated clock skew of the reporter's device. */
  observedFutureSkewMinutes: 10,
} as const;
