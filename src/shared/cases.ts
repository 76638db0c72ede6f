import { z } from 'zod';

/**
 * The legal team's cases (issue 16): what `/api/cases/*` takes and answers, shared by the server
 * and the web. A case follows one person after a detention. There is deliberately no
 * immigration-status field: custody is all a case records of a person's situation.
 */

/** Where a person is, as far as the team knows. */
export const CUSTODY_STATUSES = [
  'unknown',
  'detained',
  'transferred',
  'released_on_bond',
  'released_on_recognizance',
  'removed',
] as const;
export type CustodyStatus = (typeof CUSTODY_STATUSES)[number];

/** How a case came to the team (an activated plan opens one through the same service call). */
export const CASE_SOURCES = ['incident', 'call', 'plan'] as const;
export type CaseSource = (typeof CASE_SOURCES)[number];

/** How the person (or someone for them) agreed to the case. */
export const CONSENT_METHODS = ['in_person', 'phone', 'plan', 'written'] as const;
export type ConsentMethod = (typeof CONSENT_METHODS)[number];

export const CASE_LINK_KINDS = ['incident', 'evidence'] as const;
export type CaseLinkKind = (typeof CASE_LINK_KINDS)[number];

/**
 * An A-number as typed ("A 012-345-678", "12345678"): its digits, 8 or 9 of them, written as 9
 * (an 8-digit number is the same number with a leading zero). Null when it is not one.
 */
export function normalizeANumber(input: string): string | null {
  const digits = input.replace(/^\s*a/i, '').replace(/[\s.-]/g, '');
  if (!/^\d{8,9}$/.test(digits)) return null;
  return digits.padStart(9, '0');
}

/**
 * A name as the search compares it: accents dropped, case folded, punctuation and spacing
 * ignored, tokens in order ("García López, María" = "maria garcia lopez").
 */
export function normalizeName(input: string): string {
  return input
    .normalize('NFKD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .split(' ')
    .filter(Boolean)
    .sort()
    .join(' ');
}

const text = (max: number) => z.string().trim().min(1).max(max);
const optionalText = (max: number) => z.string().trim().max(max).optional();

export const aNumberSchema = z
  .string()
  .max(20)
  .refine((value) => normalizeANumber(value) !== null, {
    message: 'An A-number has 8 or 9 digits.',
  });

/** What is needed to seek consent: always allowed. */
export const seekingFieldsSchema = z.object({
  name: text(200),
  /** How to reach the person or whoever called for them (a phone number, say). */
  contact: optionalText(200),
});

/** The rest of the person: only once consent is recorded. */
export const personDetailsSchema = z.object({
  aliases: z.array(text(200)).max(20).optional(),
  aNumber: aNumberSchema.optional(),
  countryOfBirth: optionalText(100),
  dateOfBirth: z.iso.date().optional(),
  language: optionalText(50),
});

export const personSchema = seekingFieldsSchema.extend(personDetailsSchema.shape);
export type CasePerson = z.infer<typeof personSchema>;

export const consentSchema = z.object({
  /** Who gave it: the person, or who for them ("his sister, Ana"). */
  givenBy: text(200),
  method: z.enum(CONSENT_METHODS),
  /** When it was given (default: now). */
  at: z.iso.datetime({ offset: true }).optional(),
});
export type ConsentInput = z.infer<typeof consentSchema>;

export const openCaseSchema = z.object({
  organizationId: z.uuid().optional(),
  source: z.enum(['incident', 'call']),
  incidentId: z.uuid().optional(),
  person: personSchema,
  consent: consentSchema.optional(),
});

export const custodyChangeSchema = z.object({
  status: z.enum(CUSTODY_STATUSES),
  facilityId: z.uuid().nullable().optional(),
  facilityText: optionalText(200),
  at: z.iso.datetime({ offset: true }).optional(),
});

export const hearingSchema = z.object({
  at: z.iso.datetime({ offset: true }),
  court: text(200),
  type: text(100),
  judge: optionalText(200),
});

export const familyContactSchema = z.object({
  name: text(200),
  phone: optionalText(40),
  language: optionalText(50),
  relation: optionalText(100),
  /** They asked for hearing reminders by text (date, time and court only, in their language). */
  textReminders: z.boolean().optional(),
});

export const taskSchema = z.object({
  text: text(1000),
  dueOn: z.iso.date().optional(),
  assigneeId: z.uuid().optional(),
});

export const noteSchema = z.object({ text: text(10_000) });
export const linkSchema = z.object({ kind: z.enum(CASE_LINK_KINDS), targetId: z.uuid() });
export const referralSchema = z.object({ organizationId: z.uuid(), note: text(2000) });

/** One case as a row of the list. */
export const caseSummarySchema = z.object({
  id: z.uuid(),
  name: z.string(),
  status: z.enum(CUSTODY_STATUSES),
  consent: z.boolean(),
  organizationId: z.uuid(),
  organizationName: z.string(),
  facilityId: z.uuid().nullable(),
  facilityName: z.string().nullable(),
  nextHearingAt: z.string().nullable(),
  closedAt: z.string().nullable(),
  openedAt: z.string(),
});
export type CaseSummary = z.infer<typeof caseSummarySchema>;

export const caseListSchema = z.object({
  cases: z.array(caseSummarySchema),
  counts: z.record(z.string(), z.number().int()),
  upcomingHearings: z.number().int(),
});
export type CaseList = z.infer<typeof caseListSchema>;

export const caseDetailSchema = z.object({
  id: z.uuid(),
  source: z.enum(CASE_SOURCES),
  status: z.enum(CUSTODY_STATUSES),
  organizationId: z.uuid(),
  organizationName: z.string(),
  attorneyId: z.uuid().nullable(),
  attorneyName: z.string().nullable(),
  person: z.object({
    name: z.string(),
    contact: z.string().nullable(),
    aliases: z.array(z.string()),
    aNumber: z.string().nullable(),
    countryOfBirth: z.string().nullable(),
    dateOfBirth: z.string().nullable(),
    language: z.string().nullable(),
  }),
  consent: z
    .object({
      givenBy: z.string(),
      method: z.enum(CONSENT_METHODS),
      at: z.string(),
      recordedBy: z.string().nullable(),
    })
    .nullable(),
  facilityId: z.uuid().nullable(),
  facilityName: z.string().nullable(),
  facilityText: z.string().nullable(),
  openedAt: z.string(),
  closedAt: z.string().nullable(),
  custody: z.array(
    z.object({
      status: z.enum(CUSTODY_STATUSES),
      at: z.string(),
      facilityName: z.string().nullable(),
      facilityText: z.string().nullable(),
      recordedBy: z.string().nullable(),
    }),
  ),
  hearings: z.array(
    z.object({
      id: z.uuid(),
      at: z.string(),
      court: z.string(),
      type: z.string(),
      judge: z.string().nullable(),
    }),
  ),
  contacts: z.array(
    z.object({
      id: z.uuid(),
      name: z.string(),
      phone: z.string().nullable(),
      language: z.string().nullable(),
      relation: z.string().nullable(),
      textReminders: z.boolean(),
    }),
  ),
  tasks: z.array(
    z.object({
      id: z.uuid(),
      text: z.string(),
      dueOn: z.string().nullable(),
      assigneeId: z.uuid().nullable(),
      assigneeName: z.string().nullable(),
      done: z.boolean(),
    }),
  ),
  notes: z.array(z.object({ id: z.uuid(), text: z.string(), author: z.string().nullable(), at: z.string() })),
  links: z.array(z.object({ kind: z.enum(CASE_LINK_KINDS), targetId: z.uuid(), at: z.string() })),
  members: z.array(z.object({ userId: z.uuid(), name: z.string() })),
});
export type CaseDetail = z.infer<typeof caseDetailSchema>;

/** What the team works with: its organizations and people, the member organizations, the facilities. */
export const caseTeamSchema = z.object({
  organizations: z.array(z.object({ id: z.uuid(), name: z.string(), mine: z.boolean() })),
  people: z.array(z.object({ id: z.uuid(), name: z.string(), organizationId: z.uuid() })),
  facilities: z.array(z.object({ id: z.uuid(), name: z.string() })),
});
export type CaseTeam = z.infer<typeof caseTeamSchema>;

export const referralsSchema = z.object({
  referrals: z.array(
    z.object({
      id: z.uuid(),
      caseId: z.uuid(),
      fromOrganizationName: z.string(),
      toOrganizationName: z.string(),
      note: z.string(),
      at: z.string(),
    }),
  ),
});
export type CaseReferrals = z.infer<typeof referralsSchema>;
