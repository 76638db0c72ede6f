import { z } from 'zod';
import { normalizeANumber } from './cases.js';
import { toE164 } from './phone.js';
import { RECEIPT_ALPHABET } from './receipt.js';
import { LANGUAGES } from './report-fields.js';

/** Emergency plans (issue 16): what the member's page and the server agree on. */

export const PLAN_STATES = ['active', 'deactivated'] as const;
export type PlanState = (typeof PLAN_STATES)[number];
export const PLAN_ACTIVATION_CHANNELS = ['web', 'sms', 'hotline'] as const;
export type PlanActivationChannel = (typeof PLAN_ACTIVATION_CHANNELS)[number];
/** What a contact is asked to do; each has a message template in every language (locales `plans.templates`). */
export const PLAN_TASKS = ['children', 'lawyer', 'family', 'documents', 'employer', 'other'] as const;
export type PlanTask = (typeof PLAN_TASKS)[number];

/** Notifica sent up to 15 pre-set texts with one press: the same ceiling. */
export const PLAN_MAX_CONTACTS = 15;
/** One SMS is 160 GSM-7 characters; a plan message may take a few segments, not more. */
export const PLAN_MESSAGE_MAX = 480;
export const PLAN_INSTRUCTION_MAX = 1000;

/**
 * A plan code: 10 symbols of the receipt alphabet (no look-alikes; ~2^49 codes), read aloud on the
 * hotline and typed into a text, shown as two groups of five.
 */
export const PLAN_CODE_LENGTH = 10;
export const formatPlanCode = (symbols: string) => `${symbols.slice(0, 5)}-${symbols.slice(5)}`;

/** What a person typed or said → the code's symbols, forgiving case, spaces, dashes and look-alikes; or null. */
export function normalizePlanCode(input: string): string | null {
  const symbols = input
    .toUpperCase()
    .replace(/[\s\-_.]/g, '')
    .replace(/O/g, '0')
    .replace(/[IL]/g, '1');
  if (symbols.length !== PLAN_CODE_LENGTH) return null;
  for (const ch of symbols) if (!RECEIPT_ALPHABET.includes(ch)) return null;
  return symbols;
}

/** A PIN the member chooses: 4 to 12 digits, so it can be typed on any phone's keypad. */
export const planPinSchema = z.string().regex(/^\d{4,12}$/, 'must be 4 to 12 digits');

const phoneSchema = z
  .string()
  .max(40)
  .transform((raw, ctx) => {
    const e164 = toE164(raw);
    if (!e164) {
      ctx.addIssue({ code: 'custom', message: 'is not a phone number' });
      return z.NEVER;
    }
    return e164;
  });

export const planContactSchema = z.object({
  /** Who this is ("Rosa, my sister"): the legal team's family contact if a case is opened. */
  name: z.string().trim().max(100).optional(),
  phone: phoneSchema,
  /** Where the message is also e-mailed, if the member gives an address. */
  email: z.union([z.email().max(254), z.literal('')]).optional(),
  language: z.enum(LANGUAGES),
  task: z.enum(PLAN_TASKS),
  /** The text this contact receives (prefilled from the task's template in the contact's language). */
  message: z.string().trim().min(1).max(PLAN_MESSAGE_MAX),
});
export type PlanContact = z.infer<typeof planContactSchema>;

const instruction = z.string().trim().max(PLAN_INSTRUCTION_MAX).default('');
export const planInstructionsSchema = z.object({
  children: instruction,
  medications: instruction,
  documents: instruction,
  legalOrganization: instruction,
});

/**
 * The member, for the legal team: only used if consent is given and the plan is activated — the
 * case opened then starts with these facts (the ICE detainee locator needs the A-number or the full
 * name, with the country of birth).
 */
export const planPersonSchema = z.object({
  name: z.string().trim().max(200).default(''),
  aNumber: z
    .string()
    .trim()
    .max(20)
    .refine((value) => value === '' || normalizeANumber(value) !== null, {
      message: 'An A-number has 8 or 9 digits.',
    })
    .default(''),
  countryOfBirth: z.string().trim().max(100).default(''),
  dateOfBirth: z.union([z.iso.date(), z.literal('')]).default(''),
});
export type PlanPerson = z.infer<typeof planPersonSchema>;

/** A plan as the member writes it. */
export const planContentSchema = z.object({
  contacts: z.array(planContactSchema).min(1).max(PLAN_MAX_CONTACTS),
  instructions: planInstructionsSchema.default({
    children: '',
    medications: '',
    documents: '',
    legalOrganization: '',
  }),
  /** The member's own number (test mode texts it; the retention reminder too). */
  memberPhone: phoneSchema.optional(),
  memberLanguage: z.enum(LANGUAGES),
  /** Consent to open a case with the coalition's legal team if the plan is activated. */
  caseConsent: z.boolean(),
  /** What the case starts with (name required with consent). */
  person: planPersonSchema.optional(),
  /** The member organization whose legal team the case goes to (one of `GET /api/plans/legal-organizations`). */
  legalOrganizationId: z.uuid().optional(),
  testMode: z.boolean().default(false),
});
export type PlanContent = z.infer<typeof planContentSchema>;

export const planCredentialsSchema = z.object({
  code: z.string().min(1).max(40),
  pin: z.string().min(1).max(40),
});

export const createPlanSchema = planContentSchema.extend({ pin: planPinSchema });
export const updatePlanSchema = planCredentialsSchema.extend({ plan: planContentSchema });
export const activatePlanSchema = planCredentialsSchema.extend({ test: z.boolean().default(false) });

/** An opened plan, for its member (numbers as stored, E.164: an answer has no transforms). */
export const planViewSchema = planContentSchema.extend({
  contacts: z.array(planContactSchema.extend({ phone: z.string() })),
  memberPhone: z.string().optional(),
  state: z.enum(PLAN_STATES),
  lastConfirmedAt: z.string(),
  caseConsentAt: z.string().nullable(),
  /** Passkeys on the member's phones that activate it without the code and PIN. */
  passkeys: z.number().int(),
});
export type PlanView = z.infer<typeof planViewSchema>;

export const planActivatedSchema = z.object({
  /** Texts queued: one per contact and the confirmation, or the member's own in a test. */
  messages: z.number().int(),
  test: z.boolean(),
});

/** The message templates, by language and task (`GET /api/plans/templates`). */
export const planTemplatesSchema = z.record(z.enum(LANGUAGES), z.record(z.enum(PLAN_TASKS), z.string()));
export type PlanTemplates = z.infer<typeof planTemplatesSchema>;

/** The member organizations with a legal team, for the plan form. */
export const planLegalOrganizationsSchema = z.array(z.object({ id: z.string(), name: z.string() }));
export type PlanLegalOrganizations = z.infer<typeof planLegalOrganizationsSchema>;
