import { z } from 'zod';
import { PUBLIC_LANGUAGES, type PublicLanguage } from './languages.js';
import { LANGUAGES } from './report-fields.js';
import { hasUnpublishable, UNPUBLISHABLE_MESSAGE } from './text.js';

/**
 * The alert contract shared by the composer, the public page and the server.
 * An alert's texts are public by design: they pass the publishing guard.
 */

/** What an alert says: activity confirmed, an update, all clear, a rumor checked and not confirmed, a cancel. */
export const ALERT_KINDS = ['activity', 'update', 'all_clear', 'rumor_false', 'cancel'] as const;
export type AlertKind = (typeof ALERT_KINDS)[number];
/** The kinds a person composes; a cancel is one action on a published alert. */
export const COMPOSABLE_KINDS = ['activity', 'update', 'all_clear', 'rumor_false'] as const;

/** CAP status: only Actual alerts ever reach the public. */
export const CAP_STATUSES = ['Actual', 'Exercise', 'Test'] as const;
export type CapStatus = (typeof CAP_STATUSES)[number];

/** CAP msgType: a first alert, an update of one, or its cancel. */
export const MSG_TYPES = ['Alert', 'Update', 'Cancel'] as const;
export type MsgType = (typeof MSG_TYPES)[number];

export const ALERT_STATES = ['draft', 'submitted', 'published', 'rejected'] as const;
export type AlertState = (typeof ALERT_STATES)[number];

export const URGENCIES = ['Immediate', 'Expected', 'Future', 'Past', 'Unknown'] as const;
export const SEVERITIES = ['Extreme', 'Severe', 'Moderate', 'Minor', 'Unknown'] as const;
export const CERTAINTIES = ['Observed', 'Likely', 'Possible', 'Unlikely', 'Unknown'] as const;

export const DELIVERY_CHANNELS = ['push', 'sms', 'email'] as const;
export type DeliveryChannel = (typeof DELIVERY_CHANNELS)[number];
/** One delivery's life: withdrawn when its alert was cancelled before it left. */
export const DELIVERY_STATES = ['queued', 'sending', 'sent', 'failed', 'withdrawn'] as const;
export type DeliveryState = (typeof DELIVERY_STATES)[number];

export const ALERT_LIMITS = { headline: 120, body: 700, instruction: 700, reason: 500 } as const;

/** Public text: trimmed, bounded, and free of characters that would break CAP and Atom. */
const text = (max: number) =>
  z
    .string()
    .trim()
    .max(max, `must be at most ${max} characters`)
    .refine((value) => !hasUnpublishable(value), UNPUBLISHABLE_MESSAGE);

export const alertTextSchema = z.object({
  headline: text(ALERT_LIMITS.headline).min(1, 'a headline is needed'),
  body: text(ALERT_LIMITS.body).min(1, 'a message is needed'),
  /** Know-your-rights advice and what to do. */
  instruction: text(ALERT_LIMITS.instruction),
});
export type AlertText = z.infer<typeof alertTextSchema>;

/**
 * The languages an alert may carry (issue 17): English and Spanish always, each of the other
 * public languages once the coalition reviewed its alert templates' translation.
 */
export const ALERT_LANGUAGES = PUBLIC_LANGUAGES;
export type AlertLanguage = PublicLanguage;
/** The languages every alert is complete in. */
export const REQUIRED_ALERT_LANGUAGES = LANGUAGES;
type OptionalAlertLanguage = Exclude<AlertLanguage, (typeof LANGUAGES)[number]>;

/** An alert's texts: complete in English and Spanish, and in any other public language it carries. */
export const alertContentSchema = z.object({
  ...(Object.fromEntries(LANGUAGES.map((language) => [language, alertTextSchema])) as Record<
    (typeof LANGUAGES)[number],
    typeof alertTextSchema
  >),
  ...(Object.fromEntries(
    ALERT_LANGUAGES.filter((language) => !(LANGUAGES as readonly string[]).includes(language)).map(
      (language) => [language, alertTextSchema.optional()],
    ),
  ) as Record<OptionalAlertLanguage, z.ZodOptional<typeof alertTextSchema>>),
});
export type AlertContent = z.infer<typeof alertContentSchema>;

/** The languages an alert carries, in ALERT_LANGUAGES order (English and Spanish first). */
export const languagesOf = (content: AlertContent): AlertLanguage[] =>
  ALERT_LANGUAGES.filter((language) => content[language] !== undefined);

/**
 * The language a reader of `language` gets an alert in: their own when the alert carries it, else
 * English — never an empty message.
 */
export const deliveredLanguage = (content: AlertContent, language: string): AlertLanguage =>
  (ALERT_LANGUAGES as readonly string[]).includes(language) && content[language as AlertLanguage]
    ? (language as AlertLanguage)
    : 'en';

/** The alert's texts in the language a reader of `language` gets (see deliveredLanguage). */
export const textIn = (content: AlertContent, language: string): AlertText =>
  content[deliveredLanguage(content, language)] ?? content.en;

export const capFieldsSchema = z.object({
  urgency: z.enum(URGENCIES),
  severity: z.enum(SEVERITIES),
  certainty: z.enum(CERTAINTIES),
  /** Minutes from publication until it expires. */
  expiresInMinutes: z
    .number()
    .int()
    .min(5)
    .max(7 * 24 * 60),
});
export type CapFields = z.infer<typeof capFieldsSchema>;

export const templateInputSchema = z.object({
  kind: z.enum(COMPOSABLE_KINDS),
  incidentId: z.uuid().optional(),
  zoneIds: z.array(z.uuid()).max(50).default([]),
  /** The alert an update or all clear follows. */
  referencesId: z.uuid().optional(),
});

/** The rumor check of an incident the dispatchers found not confirmed: drafted and submitted in one command. */
export const rumorCheckInputSchema = z.object({ incidentId: z.uuid() });

/** A filled template: what the composer starts from. */
export const templateSchema = z.object({
  content: alertContentSchema,
  cap: capFieldsSchema,
  zoneIds: z.array(z.uuid()),
});
export type AlertTemplate = z.infer<typeof templateSchema>;

export const draftInputSchema = z.object({
  kind: z.enum(COMPOSABLE_KINDS),
  capStatus: z.enum(CAP_STATUSES),
  incidentId: z.uuid().optional(),
  referencesId: z.uuid().optional(),
  zoneIds: z.array(z.uuid()).min(1, 'choose at least one zone').max(50),
  content: alertContentSchema,
  cap: capFieldsSchema,
});
export type DraftInput = z.input<typeof draftInputSchema>;

/** Approve the alert as the approver saw it: its `contentHash`. Anything changed since is refused. */
export const approveInputSchema = z.object({
  contentHash: z.string().regex(/^[0-9a-f]{64}$/, 'the contentHash of the alert as you saw it'),
});

export const rejectInputSchema = z.object({ reason: text(ALERT_LIMITS.reason).min(1, 'say why') });

/** What the publishing guard finds (an address includes a city with a ZIP code; a badge, any officer's ID number). */
export const FINDING_KINDS = ['phone', 'email', 'plate', 'address', 'name', 'link', 'badge'] as const;

/**
 * Where in an alert the guard looks: each language's texts, and what every language shares — the
 * names of its zones and the name it is sent under (the coalition's, CAP `senderName`).
 */
export const GUARDED_FIELDS = ['headline', 'body', 'instruction', 'zone', 'sender'] as const;

/** What the publishing guard found, and where (offsets into the field's text as written, end exclusive). */
export const guardFindingSchema = z.object({
  /** The language of the text it is in; null in a zone's name or the sender's, which every language shares. */
  language: z.enum(ALERT_LANGUAGES).nullable(),
  field: z.enum(GUARDED_FIELDS),
  /** In a zone's name: which zone. */
  zoneId: z.uuid().optional(),
  kind: z.enum(FINDING_KINDS),
  text: z.string(),
  start: z.number().int(),
  end: z.number().int(),
});
export type GuardFinding = z.infer<typeof guardFindingSchema>;

const person = z.object({ id: z.uuid(), name: z.string() }).nullable();
const zoneRef = z.object({ id: z.uuid(), name: z.string() });

export const deliveryCountsSchema = z.record(
  z.enum(DELIVERY_CHANNELS),
  z.object({
    queued: z.number().int(),
    sent: z.number().int(),
    failed: z.number().int(),
    withdrawn: z.number().int(),
  }),
);
export type DeliveryCounts = z.infer<typeof deliveryCountsSchema>;

/** The staff view of an alert (composer, approval, delivery progress). */
export const alertViewSchema = z.object({
  id: z.uuid(),
  kind: z.enum(ALERT_KINDS),
  capStatus: z.enum(CAP_STATUSES),
  msgType: z.enum(MSG_TYPES),
  state: z.enum(ALERT_STATES),
  incidentId: z.uuid().nullable(),
  referencesId: z.uuid().nullable(),
  zones: z.array(zoneRef),
  content: alertContentSchema,
  /**
   * SHA-256 of what was submitted (texts, zones with names and outlines, CAP fields): the approver
   * sends it back to approve exactly this. Null while it is a draft.
   */
  contentHash: z.string().nullable(),
  cap: capFieldsSchema.extend({ expiresAt: z.string().nullable() }),
  createdBy: person,
  submittedBy: person,
  decidedBy: person,
  rejectReason: z.string().nullable(),
  createdAt: z.string(),
  publishedAt: z.string().nullable(),
  endedAt: z.string().nullable(),
  queuedAt: z.string().nullable(),
  findings: z.array(guardFindingSchema),
  deliveries: deliveryCountsSchema,
});
export type AlertView = z.infer<typeof alertViewSchema>;

/** The delivery report: how many per channel, state and error code. */
export const deliveryReportSchema = z.object({
  rows: z.array(
    z.object({
      channel: z.enum(DELIVERY_CHANNELS),
      state: z.enum(DELIVERY_STATES),
      error: z.string().nullable(),
      count: z.number().int(),
    }),
  ),
});
export type DeliveryReport = z.infer<typeof deliveryReportSchema>;

export const alertListSchema = z.object({ alerts: z.array(alertViewSchema) });

/** Per language and channel, what would leave: push, SMS (with its cost), e-mail. */
export const alertPreviewSchema = z.object({
  /** The hash of what this preview was made from (see `contentHash`). */
  contentHash: z.string(),
  languages: z.array(
    z.object({
      language: z.enum(ALERT_LANGUAGES),
      push: z.object({ title: z.string(), body: z.string() }),
      sms: z.object({
        text: z.string(),
        encoding: z.enum(['GSM-7', 'UCS-2']),
        segments: z.number().int(),
        characters: z.number().int(),
      }),
      email: z.object({ subject: z.string(), text: z.string() }),
    }),
  ),
  cap: z.string(),
});
export type AlertPreview = z.infer<typeof alertPreviewSchema>;

/** Per subscriber's language (every public language: a subscriber's language the alert does not carry gets English). */
const perLanguage = z.object(
  Object.fromEntries(ALERT_LANGUAGES.map((language) => [language, z.number().int()])) as Record<
    AlertLanguage,
    z.ZodNumber
  >,
);

/**
 * Who an alert would reach if it were sent now, as numbers only: per channel, and per language
 * within each — never an address, a number or a name. Shown to the approver before approving.
 */
export const recipientCountsSchema = z.object({
  /** The public and staff test subscriptions (an actual alert), or staff test subscriptions only. */
  audience: z.enum(['public', 'staff']),
  total: z.number().int(),
  channels: z.object(
    Object.fromEntries(
      DELIVERY_CHANNELS.map((channel) => [
        channel,
        z.object({ total: z.number().int(), languages: perLanguage }),
      ]),
    ) as Record<DeliveryChannel, z.ZodObject<{ total: z.ZodNumber; languages: typeof perLanguage }>>,
  ),
  languages: perLanguage,
});
export type RecipientCounts = z.infer<typeof recipientCountsSchema>;

/** What the public sees of an alert: zones, when it was issued and until when, the texts. */
export const publicAlertSchema = z.object({
  id: z.uuid(),
  kind: z.enum(ALERT_KINDS),
  msgType: z.enum(MSG_TYPES),
  referencesId: z.uuid().nullable(),
  zones: z.array(zoneRef),
  /** When Faro issued it, to the second (CAP `sent`); the texts carry only rounded observation times. */
  sent: z.string(),
  expires: z.string(),
  content: alertContentSchema,
  capUrl: z.string(),
});
export type PublicAlert = z.infer<typeof publicAlertSchema>;
export const publicAlertListSchema = z.object({ alerts: z.array(publicAlertSchema) });

/** A number the coalition gives out: a phone number or a short code. */
const publicNumberSchema = z
  .string()
  .trim()
  .max(40)
  .regex(/^\+?[\d\s().-]+$/, 'must be a phone number or short code such as +1 213 555 0100')
  .refine((number) => {
    const digits = number.replace(/\D/g, '').length;
    return digits >= 3 && digits <= 15;
  }, 'must have 3 to 15 digits');

/** The publishing guard's coalition settings. */
export const publishingSettingsSchema = z.object({
  /** Hosts links in alerts may point to (each with its subdomains); this Faro's own host always may. */
  allowedHosts: z
    .array(
      z
        .string()
        .trim()
        .toLowerCase()
        .regex(/^[a-z0-9-]+(\.[a-z0-9-]+)+$/, 'must be a host name such as example.org'),
    )
    .max(100),
  /** Names never to publish (staff, families, places), matched whole-word in any case. */
  blockedNames: z.array(z.string().trim().min(2).max(100)).max(2000),
  /**
   * The coalition's own numbers alerts may carry (hotline, SMS number, short
   * code), matched in any format: "+1 (213) 555-0100" also allows
   * "213.555.0100". A change that leaves it out keeps the numbers already set.
   */
  allowedNumbers: z.array(publicNumberSchema).max(20).optional(),
  /**
   * The numbers people may call or text instead of using the form, shown on
   * the public pages (and always allowed in alerts).
   */
  contacts: z
    .object({ hotline: publicNumberSchema.optional(), sms: publicNumberSchema.optional() })
    .optional(),
});
export type PublishingSettings = z.infer<typeof publishingSettingsSchema>;
