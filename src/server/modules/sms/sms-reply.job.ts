import { z } from 'zod';
import { PUBLIC_LANGUAGES } from '../../../shared/languages.js';
import { VERDICTS } from '../../../shared/report-fields.js';
import type { SecretBox } from '../../crypto/secret-box.js';
import { declareJob, handleJob } from '../../jobs/queue.js';
import { smsMessage as message } from '../../locales/messages.js';
import { type AlertReplyKind, alertReplyText } from './alert-replies.js';
import { helpReplyText, rightsReplyText } from './info-replies.js';
import type { SmsSender } from './twilio.js';

/** Subscribing to alerts by text (alert-replies.ts words them). */
export const ALERT_REPLY_KINDS = [
  'alertsAsk',
  'alertsChoose',
  'alertsConfirmed',
  'alertsMine',
  'alertsNone',
  'alertsHowTo',
  'alertsNoZone',
  'alertsZones',
  'alertsTooMany',
  'alertsNotServed',
] as const satisfies readonly AlertReplyKind[];

const smsReplySchema = z.object({
  /** The inbound message's id: binds the sealed number to it. */
  ref: z.string(),
  /** The sender's number, sealed: a job row never holds it in the clear. */
  to: z.string(),
  /** The sender's language: the keyword's, or what the text reads as (a reply not yet translated goes in English). */
  language: z.enum(PUBLIC_LANGUAGES),
  kind: z.enum([
    'receipt',
    'empty',
    'optedIn',
    'nothingToFollow',
    'followUp',
    'offerAccepted',
    'offerDeclined',
    'offerClosed',
    'offerWhich',
    'checkedIn',
    'helpSent',
    'helpStays',
    'notOnScene',
    'planActivated',
    'planTested',
    'planNoMatch',
    'planBlocked',
    'planDeactivated',
    'planAlreadyActive',
    'planFormat',
    'familyFormat',
    'rights',
    'help',
    ...ALERT_REPLY_KINDS,
  ]),
  receipt: z.string().optional(),
  askLocation: z.boolean().optional(),
  /** For a follow-up: the incident's verdict. */
  status: z.enum(VERDICTS).optional(),
  /** For a responder's answer (offer, check-in): the incident's number and zone (never its place). */
  incident: z.number().int().optional(),
  zone: z.string().optional(),
  /** For an answer that did not say which of several open offers. */
  open: z.array(z.number().int()).optional(),
  /** For a plan refused for too many attempts: minutes to wait. */
  minutes: z.number().int().optional(),
  /** For subscribing by text: zone names (public, the coalition's own), a page of the list, a limit. */
  zones: z.array(z.string()).optional(),
  page: z.number().int().optional(),
  pages: z.number().int().optional(),
  max: z.number().int().optional(),
  /** For RIGHTS: the coalition's wallet card (public text) as it stood when the text came in. */
  card: z
    .object({
      language: z.enum(PUBLIC_LANGUAGES),
      title: z.string(),
      points: z.array(z.string()),
      reviewed: z.boolean(),
    })
    .optional(),
});
export type SmsReply = z.infer<typeof smsReplySchema>;
/** Every kind of reply, for checks that must cover them all. */
export const SMS_REPLY_KINDS = smsReplySchema.shape.kind.options;

const isAlertReply = (kind: SmsReply['kind']): kind is AlertReplyKind =>
  (ALERT_REPLY_KINDS as readonly string[]).includes(kind);

/** The reply's text in the sender's language. */
export function replyText(reply: SmsReply, publicUrl: string): string {
  const code = reply.receipt ?? '';
  const { kind } = reply;
  if (isAlertReply(kind)) return alertReplyText({ ...reply, kind });
  switch (kind) {
    case 'empty':
      return message(reply.language, 'sms.empty');
    case 'optedIn':
      return message(reply.language, 'sms.optedIn', { code });
    case 'nothingToFollow':
      return message(reply.language, 'sms.nothingToFollow');
    case 'followUp':
      return message(reply.language, `sms.followUp.${reply.status ?? 'closed'}`, { code });
    case 'offerAccepted':
    case 'offerDeclined':
    case 'offerClosed':
    case 'offerWhich':
    case 'checkedIn':
    case 'helpSent':
    case 'helpStays':
    case 'notOnScene': {
      const values = {
        number: String(reply.incident ?? ''),
        // Plain GSM-7 around the zone's name, as in the offer itself.
        zone: reply.zone ? ` - ${reply.zone}` : '',
        open: (reply.open ?? []).map((n) => `#${n}`).join(', '),
        first: String(reply.open?.[0] ?? ''),
      };
      if (reply.kind !== 'offerAccepted') return message(reply.language, `sms.${reply.kind}`, values);
      return message(reply.language, 'sms.offerAccepted', { ...values, url: `${publicUrl}/responder` });
    }
    case 'planActivated':
      return message(reply.language, 'plans.reply.activated');
    case 'planTested':
      return message(reply.language, 'plans.reply.test');
    case 'planNoMatch':
      return message(reply.language, 'plans.reply.noMatch');
    case 'planDeactivated':
      return message(reply.language, 'plans.reply.deactivated');
    case 'planAlreadyActive':
      return message(reply.language, 'plans.reply.alreadyActive');
    case 'planFormat':
      return message(reply.language, 'plans.reply.format');
    case 'familyFormat':
      return message(reply.language, 'familyStatus.reply.format');
    case 'planBlocked':
      return message(reply.language, 'plans.reply.blocked', { minutes: String(reply.minutes ?? 1) });
    case 'rights':
      // No card in the library (yet): the page it would be on.
      return reply.card
        ? rightsReplyText(reply.card, publicUrl)
        : message(reply.language, 'sms.rights.more', { url: `${publicUrl}/rights?lang=${reply.language}` });
    case 'help':
      return helpReplyText(reply.language);
    case 'receipt':
      break;
  }
  const parts = [message(reply.language, 'sms.receipt', { code, url: `${publicUrl}/status` })];
  if (reply.askLocation) parts.push(message(reply.language, 'sms.askLocation'));
  parts.push(message(reply.language, 'sms.optIn'));
  return parts.join(' ');
}

/** A text to a reporter (a receipt, a question, a follow-up): retried with back-off when the provider fails. */
export const smsReplyJobType = declareJob({
  name: 'sms.reply',
  payload: smsReplySchema,
  retryLimit: 6,
  retryDelaySeconds: 20,
});

/** Sends the reply to an inbound SMS through the provider. */
export function smsReplyJob(deps: { sender: SmsSender; box: SecretBox; publicUrl: string }) {
  return handleJob(smsReplyJobType, async (reply) => {
    const to = deps.box.open(reply.to, `sms-reply:${reply.ref}`);
    await deps.sender.send(to, replyText(reply, deps.publicUrl));
  });
}
