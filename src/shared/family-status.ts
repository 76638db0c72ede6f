import { z } from 'zod';
import { LANGUAGES, type Language } from './report-fields.js';

/**
 * A family's view of a case without an account (issue 16, "After a detention"): a case code and a
 * PIN from the legal team, by web or by text, and only the stage of the case and whom to call.
 * Never a name, an A-number, a facility or a note.
 */

/** The stages a family is told, derived from the case's custody status, its hearings and its closing. */
export const FAMILY_STAGES = [
  /** The team is still finding where the person is (custody unknown). */
  'looking',
  /** Located, in detention (no facility named). */
  'detained',
  /** Moved to another place (none named). */
  'transferred',
  /** Released (on bond or on their own recognizance: the family hears "released"). */
  'released',
  /** Removed from the country. */
  'removed',
  /** The case is closed: call the organization. */
  'closed',
] as const;
export type FamilyStage = (typeof FAMILY_STAGES)[number];

/** A case code: 10 symbols of the receipt alphabet, read aloud in two groups of five (like a plan code). */
export const FAMILY_CODE_LENGTH = 10;
/** The PIN Faro draws: 6 digits, read over the phone, typed on any keypad. */
export const FAMILY_PIN_LENGTH = 6;

export const familyCredentialsSchema = z.object({
  code: z.string().trim().min(1).max(40),
  pin: z.string().trim().min(1).max(40),
});

/** What the family is told. */
export const familyStatusSchema = z.object({
  stage: z.enum(FAMILY_STAGES),
  /** The next hearing, when there is one ahead and the case is open (the date and time only). */
  hearingAt: z.string().nullable(),
  /** The organization whose legal team holds the case: the one to call. */
  organization: z.string(),
  /** The coalition's hotline, when it has one. */
  phone: z.string().nullable(),
  /** The language the team recorded for this contact, when Faro speaks it. */
  language: z.enum(LANGUAGES).nullable(),
});
export type FamilyStatus = z.infer<typeof familyStatusSchema>;

export const issueFamilyAccessSchema = z.object({
  contactId: z.uuid(),
  /** Text the code (never the PIN) to the contact's phone, in their language. */
  text: z.boolean().default(false),
});

/** Shown once to the team member who issued it, to read over the phone; never stored. */
export const issuedFamilyAccessSchema = z.object({
  code: z.string(),
  pin: z.string(),
  texted: z.boolean(),
});

export const familyAccessListSchema = z.object({
  access: z.array(z.object({ contactId: z.uuid(), issuedAt: z.string() })),
});

/**
 * The language a contact's free-text language field names, when Faro speaks it: "es", "Spanish",
 * "Español", "spanish (Mexico)". Null for any other.
 */
export function languageOfContact(text: string | null | undefined): Language | null {
  if (!text) return null;
  const word = text.normalize('NFD').replace(/\p{M}/gu, '').toLowerCase().trim();
  if (/^(es|spa)\b|^(spanish|espanol|castellano)/.test(word)) return 'es';
  if (/^(en|eng)\b|^(english|ingles)/.test(word)) return 'en';
  return null;
}
