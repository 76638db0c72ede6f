import { z } from 'zod';
import { toE164 } from './phone.js';
import {
  ACTIVITIES,
  CHANNELS,
  EQUIPMENT,
  LANGUAGES,
  LIMITS,
  REPORT_STATUSES,
  SIZE_LIMITS,
  UNIFORMS,
} from './report-fields.js';

export * from './report-fields.js';

/**
 * The report contract shared by the public form and the server.
 * SALUTE: Size, Activity, Location, Uniform, Time, Equipment.
 * Reports describe activity, never people: there is deliberately no field for
 * names, badge numbers, plates or anyone's immigration status.
 */

export const languageSchema = z.enum(LANGUAGES);
export const activitySchema = z.enum(ACTIVITIES);
export const uniformSchema = z.enum(UNIFORMS);
export const equipmentSchema = z.enum(EQUIPMENT);
export const reportStatusSchema = z.enum(REPORT_STATUSES);
export type ReportStatus = z.infer<typeof reportStatusSchema>;
export const channelSchema = z.enum(CHANNELS);

const trimmedText = (max: number) => z.string().trim().max(max, `must be at most ${max} characters`);

export const locationInputSchema = z
  .object({
    zoneId: z.uuid('must be a zone id from /api/zones').optional(),
    lat: z.number().min(-90).max(90).optional(),
    lng: z.number().min(-180).max(180).optional(),
    /** Cross streets or a landmark, in the reporter's words. */
    place: trimmedText(LIMITS.placeChars).optional(),
  })
  .refine((loc) => (loc.lat === undefined) === (loc.lng === undefined), {
    message: 'lat and lng must be given together',
    path: ['lat'],
  })
  .refine((loc) => loc.zoneId !== undefined || loc.lat !== undefined, {
    message: 'choose a zone or share your location',
    path: ['zoneId'],
  });

/**
 * A report's send key, from the public form, the hotline's and the field's: made on the phone or
 * the operator's browser (`newSendKey`, 128 random bits,
 * 22 base64url characters), so that no one can ask for another person's report by it. The
 * server checks only its shape (a key shorter than that is refused); a key that is not random
 * harms only the report of whoever chose it.
 */
export const SEND_KEY = /^[A-Za-z0-9_-]{22,64}$/;

/**
 * What the server renders as the value of the send key of the form posted without scripts, for each
 * response to put a new key in its place (`pages.ts`): the page itself is rendered once and reused.
 * Shorter than a key, so a page sent without the substitution posts no key, never a shared one.
 */
export const SEND_KEY_SLOT = 'faro-send-key';

/** A new send key: 16 random bytes, base64url. */
export function newSendKey(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return btoa(String.fromCharCode(...bytes))
    .replaceAll('+', '-')
    .replaceAll('/', '_')
    .replace(/=+$/, '');
}

export const reportInputSchema = z.object({
  language: languageSchema,
  size: z
    .object({
      agents: z.number().int().min(0).max(SIZE_LIMITS.agents).optional(),
      vehicles: z.number().int().min(0).max(SIZE_LIMITS.vehicles).optional(),
    })
    .default({}),
  activity: activitySchema,
  location: locationInputSchema,
  uniforms: z.array(uniformSchema).max(UNIFORMS.length).default([]),
  markings: trimmedText(LIMITS.markingsChars).optional(),
  observedAt: z.iso.datetime({ offset: true, message: 'must be an ISO 8601 date and time' }),
  equipment: z.array(equipmentSchema).max(EQUIPMENT.length).default([]),
  description: trimmedText(LIMITS.descriptionChars).optional(),
  /** Did the reporter see it themselves? Second-hand accounts are a red flag for triage. */
  firsthand: z.boolean().default(true),
  /** Photos uploaded first with `POST /api/reports/photos` (re-encoded, metadata removed). */
  photoIds: z.array(z.uuid()).max(3, 'at most 3 photos').default([]),
  /**
   * The phone's name for this report, the same on every try of it (SEND_KEY): sent again after
   * its answer was lost, it is not stored twice — the first one's receipt is answered.
   */
  sendKey: z.string().regex(SEND_KEY, 'is not a send key (22 to 64 letters, digits, - or _)').optional(),
});
export type ReportInput = z.input<typeof reportInputSchema>;

/** A call taken on the hotline: the report plus an optional number to call the caller back on. */
export const hotlineInputSchema = reportInputSchema.extend({
  callback: z
    .string()
    .trim()
    .max(40)
    .refine((value) => toE164(value) !== null, 'must be a phone number with its area code')
    .optional()
    .or(z.literal('')),
});
export type HotlineInput = z.input<typeof hotlineInputSchema>;

/**
 * What intake answers once a report is stored (the public form, the hotline, the field form): its
 * id and receipt code. It has no incident yet: grouping follows, off the request path.
 */
export const reportCreatedSchema = z.object({
  id: z.uuid(),
  receipt: z.string(),
  /** How many of the photos named were attached (one that expired before the report was sent is not). */
  photosAttached: z.number().int().optional(),
  /**
   * The hotline's and the field's: true when this send key's report was stored already (its answer
   * lost): the id and receipt are the first one's, and the form says so — a different call told in
   * the same words is then stored as new, on the operator's word.
   */
  duplicate: z.literal(true).optional(),
});

export const receiptStatusSchema = z.object({
  receipt: z.string(),
  status: reportStatusSchema,
  receivedAt: z.string(),
  updatedAt: z.string(),
});
export type ReceiptStatus = z.infer<typeof receiptStatusSchema>;

/** What the dispatch board shows of a report. Exact coordinates stay out until field-level roles exist. */
export const reportSummarySchema = z.object({
  id: z.uuid(),
  receipt: z.string(),
  status: reportStatusSchema,
  channel: channelSchema,
  language: languageSchema,
  activity: activitySchema,
  size: z.object({ agents: z.number().nullable(), vehicles: z.number().nullable() }),
  uniforms: z.array(uniformSchema),
  markings: z.string().nullable(),
  equipment: z.array(equipmentSchema),
  description: z.string().nullable(),
  place: z.string().nullable(),
  firsthand: z.boolean(),
  zone: z.object({ id: z.uuid(), name: z.string() }).nullable(),
  h3Cell: z.string().nullable(),
  hasExactLocation: z.boolean(),
  /** The incident it was grouped into. */
  incidentId: z.uuid().nullable(),
  /** Its photos (opened only with `reports:read-restricted`). */
  photoIds: z.array(z.uuid()),
  observedAt: z.string(),
  receivedAt: z.string(),
});
export type ReportSummary = z.infer<typeof reportSummarySchema>;
