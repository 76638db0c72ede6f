import {
  type AlertContent,
  type AlertKind,
  type AlertLanguage,
  type CapStatus,
  deliveredLanguage,
  type GuardFinding,
  languagesOf,
  type PublicAlert,
} from '../../../shared/alert.js';
import { LANGUAGE_FACTS } from '../../../shared/languages.js';
import { LOCALE_TAGS } from '../../../shared/report-fields.js';
import { AppError } from '../../http/errors.js';
import { publicMessage } from '../../locales/messages.js';
import { type CapAlert, type CapInfo, capXml } from './cap.js';
import { PUSH_PAYLOAD_MAX_BYTES } from './channels/push-encryption.js';
import { type GuardOptions, guardPublicText } from './guard.js';
import { smsCost } from './sms-segments.js';
import { joinNames } from './templates.js';
import { toSecond } from './workflow.js';

/**
 * Everything an alert becomes on its way out — push payload, SMS, e-mail,
 * CAP, public JSON — made here, and each passes the publishing guard at the
 * moment it is made: a text that would leak is never returned, whatever
 * state the database is in. Pure: no I/O.
 */

export interface RenderableAlert {
  id: string;
  kind: AlertKind;
  capStatus: CapStatus;
  msgType: 'Alert' | 'Update' | 'Cancel';
  content: AlertContent;
  zones: { id: string; name: string; outline: [number, number][] }[];
  urgency: CapInfo['urgency'];
  severity: CapInfo['severity'];
  certainty: CapInfo['certainty'];
  publishedAt: Date;
  expiresAt: Date;
  references: { id: string; publishedAt: Date }[];
  referencesId: string | null;
}

export interface PublicContext {
  guard: GuardOptions;
  /** CAP sender: "faro@network.example". */
  sender: string;
  senderName: string;
  /** The public address of this Faro (links to /alerts), when it is known. */
  publicUrl: string;
}

/** What the guard reads of an alert: its texts and its zones' names (a snapshot, a renderable alert). */
export interface GuardedAlert {
  content: AlertContent;
  zones: readonly { id: string; name: string }[];
}

/** What the guard is set with, and the name the alert is sent under (published too). */
export type AlertGuard = Pick<PublicContext, 'guard' | 'senderName'>;

/**
 * The publishing guard's one entry point for an alert: every finding in
 * everything it publishes — each language's texts, its zones' names, the name
 * it is sent under — with where it is (language, field, zone). The composer's
 * findings, submit, approve and every renderer ask this, so they cannot
 * disagree about what an alert may say.
 */
export function alertFindings(alert: GuardedAlert, ctx: AlertGuard): GuardFinding[] {
  const findings: GuardFinding[] = [];
  // Every language the alert carries: the guard's rules are language-neutral in what they find
  // (see guard.ts and docs on what it cannot check in a language without its own rules).
  for (const language of languagesOf(alert.content)) {
    const text = alert.content[language];
    if (!text) continue;
    for (const field of ['headline', 'body', 'instruction'] as const) {
      for (const finding of guardPublicText(text[field], ctx.guard))
        findings.push({ language, field, ...finding });
    }
  }
  // Zone names and the sender's name are the coalition's own, but they are published too.
  for (const zone of alert.zones) {
    for (const finding of guardPublicText(zone.name, ctx.guard))
      findings.push({ language: null, field: 'zone', zoneId: zone.id, ...finding });
  }
  for (const finding of guardPublicText(ctx.senderName, ctx.guard))
    findings.push({ language: null, field: 'sender', ...finding });
  return findings;
}

const placeOf = (finding: GuardFinding, alert: GuardedAlert) =>
  finding.field === 'zone'
    ? `zone "${alert.zones.find((zone) => zone.id === finding.zoneId)?.name ?? ''}"`
    : finding.field === 'sender'
      ? 'sender name'
      : `${finding.language} ${finding.field}`;

/**
 * Refuses (BLOCKED_BY_GUARD) while the guard finds anything the alert would publish, with every
 * finding and where it is; nothing is changed, so a draft is kept. Every output in this file is
 * made only past this check — also of the parts a channel leaves out, so no channel is a way around
 * the guard, whatever state the database is in.
 */
export function requireClean(alert: GuardedAlert, ctx: AlertGuard): void {
  const findings = alertFindings(alert, ctx);
  if (findings.length > 0) {
    const list = findings.map((f) => `${f.kind} "${f.text}" (${placeOf(f, alert)})`);
    throw new AppError('BLOCKED_BY_GUARD', `Blocked: ${list.join(', ')} must never be published.`, {
      findings,
    });
  }
}

/** "TEST, NOT A REAL ALERT: " before every text of a test or an exercise; nothing for an actual alert. */
export function statusMark(status: CapStatus, language: AlertLanguage): string {
  return status === 'Actual' ? '' : publicMessage(language, `alerts.marks.${status}`);
}

/**
 * The language a reader of `asked` gets the alert in — theirs when the alert carries it, else
 * English — and the alert's texts in it: never an empty message.
 */
function textsFor(alert: RenderableAlert, asked: AlertLanguage) {
  const language = deliveredLanguage(alert.content, asked);
  return { language, text: alert.content[language] ?? alert.content.en };
}

const zoneList = (alert: RenderableAlert, language: AlertLanguage) =>
  joinNames(
    alert.zones.map((zone) => zone.name),
    language,
  );

/**
 * The Web Push payload (JSON, encrypted later): short enough for one
 * notification, and always for one push message (PUSH_PAYLOAD_MAX_BYTES): a
 * body that would not fit is shortened, ending with "…", rather than the
 * delivery failing (the alert's limits keep it far below; this is the bound).
 */
/**
 * The first alert of an alert's chain (itself, if it follows none): an alert and all its follow-ups
 * share one push Topic and one notification tag by it, so a cancel of an update also replaces the
 * original still waiting at a push service or still shown on a phone the update never reached.
 */
export const chainRoot = (alert: Pick<RenderableAlert, 'id' | 'references'>): string =>
  alert.references.at(-1)?.id ?? alert.id;

export function pushPayload(alert: RenderableAlert, asked: AlertLanguage, ctx: PublicContext): string {
  requireClean(alert, ctx);
  const { language, text } = textsFor(alert, asked);
  const title = `${statusMark(alert.capStatus, language)}${text.headline}`;
  const withBody = (body: string) =>
    JSON.stringify({
      id: alert.id,
      status: alert.capStatus,
      kind: alert.kind,
      title,
      body,
      url: `/alerts#${alert.id}`,
      // A later message of the chain (an update, its cancel) replaces this one on the screen.
      tag: `faro-alert-${chainRoot(alert)}`,
    });
  const whole = withBody(text.body);
  if (Buffer.byteLength(whole) <= PUSH_PAYLOAD_MAX_BYTES) return whole;
  // The most characters (whole code points) of the body that fit with the ellipsis.
  const characters = [...text.body];
  const cut = (keep: number) => withBody(`${characters.slice(0, keep).join('').trimEnd()}…`);
  let fits = 0;
  let tooMany = characters.length;
  while (tooMany - fits > 1) {
    const middle = Math.floor((fits + tooMany) / 2);
    if (Buffer.byteLength(cut(middle)) <= PUSH_PAYLOAD_MAX_BYTES) fits = middle;
    else tooMany = middle;
  }
  return cut(fits);
}

/**
 * The SMS: mark, headline, body, one short know-your-rights line (a person with
 * only a basic phone gets it too, as push and e-mail readers get the whole
 * paragraph, which would cost a text several segments more) and how to stop. A
 * cancel keeps its own short instruction ("No action is needed") instead. The
 * composer's preview shows what it costs in segments.
 */
export function smsText(alert: RenderableAlert, asked: AlertLanguage, ctx: PublicContext): string {
  requireClean(alert, ctx);
  const { language, text } = textsFor(alert, asked);
  const what = alert.kind === 'cancel' ? text.instruction : publicMessage(language, 'alerts.sms.rights');
  const parts = [`${statusMark(alert.capStatus, language)}${text.headline}.`, text.body, what];
  return `${parts.filter(Boolean).join(' ')} ${publicMessage(language, 'alerts.sms.stop')}`;
}

/** SMS text and its cost, for the composer's preview. */
export function smsPreview(alert: RenderableAlert, language: AlertLanguage, ctx: PublicContext) {
  const text = smsText(alert, language, ctx);
  const cost = smsCost(text);
  return { text, encoding: cost.encoding, segments: cost.segments, characters: [...text].length };
}

/** The e-mail; the unsubscribe link is Faro's own and comes after the guarded part. */
export function emailMessage(
  alert: RenderableAlert,
  asked: AlertLanguage,
  ctx: PublicContext,
  unsubscribeUrl: string,
): { subject: string; text: string } {
  requireClean(alert, ctx);
  const { language, text } = textsFor(alert, asked);
  const subject = `${statusMark(alert.capStatus, language)}${text.headline}`;
  const body = [text.body, text.instruction].filter(Boolean).join('\n\n');
  const footer = publicMessage(language, 'alerts.email.footer', {
    zones: zoneList(alert, language),
    unsubscribe: unsubscribeUrl,
  });
  const more = `\n\n${ctx.publicUrl}/alerts`;
  return { subject, text: `${body}${more}\n\n--\n${footer}\n` };
}

/** The CAP 1.2 document: one `<info>` per language, one `<area>` per zone. */
export function capDocument(alert: RenderableAlert, ctx: PublicContext): string {
  requireClean(alert, ctx);
  const infos = languagesOf(alert.content).map((language): CapInfo => {
    const text = alert.content[language] ?? alert.content.en;
    const mark = statusMark(alert.capStatus, language);
    return {
      language: language === 'en' || language === 'es' ? LOCALE_TAGS[language] : LANGUAGE_FACTS[language].tag,
      event: publicMessage(language, 'alerts.event'),
      responseType:
        alert.kind === 'all_clear'
          ? 'AllClear'
          : alert.kind === 'activity' || alert.kind === 'update'
            ? 'Avoid'
            : 'None',
      urgency: alert.urgency,
      severity: alert.severity,
      certainty: alert.certainty,
      expires: alert.expiresAt,
      senderName: ctx.senderName,
      headline: `${mark}${text.headline}`,
      description: text.body,
      instruction: text.instruction || undefined,
      web: `${ctx.publicUrl}/alerts`,
      areas: alert.zones.map((zone) => ({ areaDesc: zone.name, outline: zone.outline })),
    };
  });
  const cap: CapAlert = {
    identifier: alert.id,
    sender: ctx.sender,
    // When Faro issued it, to the second: only the observation time in the texts is rounded.
    sent: alert.publishedAt,
    status: alert.capStatus,
    msgType: alert.msgType,
    note:
      alert.capStatus === 'Actual'
        ? undefined
        : publicMessage('en', `alerts.marks.${alert.capStatus}`).trim(),
    references: alert.references.map((ref) => ({
      sender: ctx.sender,
      identifier: ref.id,
      sent: ref.publishedAt,
    })),
    infos,
  };
  return capXml(cap);
}

/** The public JSON of an actual alert: zones, when it was issued and until when, texts. */
export function publicAlert(alert: RenderableAlert, ctx: PublicContext): PublicAlert {
  if (alert.capStatus !== 'Actual') throw new AppError('NOT_FOUND', 'No such alert.');
  requireClean(alert, ctx);
  return {
    id: alert.id,
    kind: alert.kind,
    msgType: alert.msgType,
    referencesId: alert.referencesId,
    zones: alert.zones.map(({ id, name }) => ({ id, name })),
    sent: toSecond(alert.publishedAt).toISOString(),
    expires: toSecond(alert.expiresAt).toISOString(),
    content: alert.content,
    capUrl: `/api/alerts/${alert.id}/cap.xml`,
  };
}

/** An actual alert's public outputs, made once when it is published and served as they are. */
export interface PublicDocuments {
  json: PublicAlert;
  cap: string;
}

/**
 * The public outputs of an alert, each made through the guard (BLOCKED_BY_GUARD otherwise);
 * null for a test or an exercise, which is never public.
 */
export function publicDocuments(alert: RenderableAlert, ctx: PublicContext): PublicDocuments | null {
  requireClean(alert, ctx);
  if (alert.capStatus !== 'Actual') return null;
  return { json: publicAlert(alert, ctx), cap: capDocument(alert, ctx) };
}
