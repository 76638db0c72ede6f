import type { AlertContent, AlertKind, CapStatus, GuardFinding, PublicAlert } from '../../../shared/alert.js';
import { LANGUAGES, type Language } from '../../../shared/report-fields.js';
import { AppError } from '../../http/errors.js';
import { message } from '../../locales/messages.js';
import { type CapAlert, type CapInfo, capXml } from './cap.js';
import { type GuardOptions, guardPublicText } from './guard.js';
import { smsCost } from './sms-segments.js';
import { joinNames } from './templates.js';

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

/** The guard's findings in an alert's texts, field by field. */
export function findLeaks(content: AlertContent, zoneNames: readonly string[], guard: GuardOptions) {
  const findings: GuardFinding[] = [];
  for (const language of LANGUAGES) {
    for (const field of ['headline', 'body', 'instruction'] as const) {
      for (const finding of guardPublicText(content[language][field], guard))
        findings.push({ language, field, ...finding });
    }
  }
  // Zone names are the coalition's own, but they are published too.
  for (const name of zoneNames) {
    for (const finding of guardPublicText(name, guard))
      findings.push({ language: 'en', field: 'headline', ...finding });
  }
  return findings;
}

/**
 * Refuses (BLOCKED_BY_GUARD) while the guard finds anything in an alert's texts or zone names,
 * saying what and where (language, field); nothing is changed, so the draft is kept.
 */
export function requireClean(
  alert: { content: AlertContent; zones: readonly { name: string }[] },
  guard: GuardOptions,
): void {
  const findings = findLeaks(
    alert.content,
    alert.zones.map((zone) => zone.name),
    guard,
  );
  if (findings.length > 0) {
    const list = findings.map((f) => `${f.kind} "${f.text}" (${f.language} ${f.field})`);
    throw new AppError('BLOCKED_BY_GUARD', `Blocked: ${list.join(', ')} must never be published.`, {
      findings,
    });
  }
}

/** Refuses (BLOCKED_BY_GUARD) with every finding when any text would leak. */
export function assertNoLeak(texts: readonly string[], guard: GuardOptions): void {
  const findings = texts.flatMap((text) => guardPublicText(text, guard));
  if (findings.length > 0) {
    throw new AppError(
      'BLOCKED_BY_GUARD',
      `Blocked: ${findings.map((f) => `${f.kind} "${f.text}"`).join(', ')} must never be published.`,
      { findings },
    );
  }
}

/**
 * Refuses the whole alert when any of its texts, in any language, or a zone
 * name would leak — also the parts a channel leaves out, so no channel is a
 * way around the guard.
 */
export function assertPublishable(alert: RenderableAlert, ctx: PublicContext): void {
  assertNoLeak(
    [
      ...LANGUAGES.flatMap((language) => Object.values(alert.content[language])),
      ...alert.zones.map((zone) => zone.name),
    ],
    ctx.guard,
  );
}

/** "TEST, NOT A REAL ALERT: " before every text of a test or an exercise; nothing for an actual alert. */
export function statusMark(status: CapStatus, language: Language): string {
  return status === 'Actual' ? '' : message(language, `alerts.marks.${status}`);
}

const zoneList = (alert: RenderableAlert, language: Language) =>
  joinNames(
    alert.zones.map((zone) => zone.name),
    language,
  );

/** The Web Push payload (JSON, encrypted later): short enough for one notification. */
export function pushPayload(alert: RenderableAlert, language: Language, ctx: PublicContext): string {
  assertPublishable(alert, ctx);
  const text = alert.content[language];
  const title = `${statusMark(alert.capStatus, language)}${text.headline}`;
  return JSON.stringify({
    id: alert.id,
    status: alert.capStatus,
    kind: alert.kind,
    title,
    body: text.body,
    url: `/alerts#${alert.id}`,
    // A later message for the same alert (its cancel) replaces this one on the screen.
    tag: `faro-alert-${alert.referencesId ?? alert.id}`,
  });
}

/** The SMS: mark, headline, body and how to stop; the instruction stays on the web to keep it short. */
export function smsText(alert: RenderableAlert, language: Language, ctx: PublicContext): string {
  assertPublishable(alert, ctx);
  const text = alert.content[language];
  const message_ = `${statusMark(alert.capStatus, language)}${text.headline}. ${text.body}`;
  return `${message_} ${message(language, 'alerts.sms.stop')}`;
}

/** SMS text and its cost, for the composer's preview. */
export function smsPreview(alert: RenderableAlert, language: Language, ctx: PublicContext) {
  const text = smsText(alert, language, ctx);
  const cost = smsCost(text);
  return { text, encoding: cost.encoding, segments: cost.segments, characters: [...text].length };
}

/** The e-mail; the unsubscribe link is Faro's own and comes after the guarded part. */
export function emailMessage(
  alert: RenderableAlert,
  language: Language,
  ctx: PublicContext,
  unsubscribeUrl: string,
): { subject: string; text: string } {
  assertPublishable(alert, ctx);
  const text = alert.content[language];
  const subject = `${statusMark(alert.capStatus, language)}${text.headline}`;
  const body = [text.body, text.instruction].filter(Boolean).join('\n\n');
  const footer = message(language, 'alerts.email.footer', {
    zones: zoneList(alert, language),
    unsubscribe: unsubscribeUrl,
  });
  const more = `\n\n${ctx.publicUrl}/alerts`;
  return { subject, text: `${body}${more}\n\n--\n${footer}\n` };
}

const LANGUAGE_TAGS: Record<Language, string> = { en: 'en-US', es: 'es-US' };

/** The CAP 1.2 document: one `<info>` per language, one `<area>` per zone. */
export function capDocument(alert: RenderableAlert, ctx: PublicContext): string {
  assertPublishable(alert, ctx);
  const infos = LANGUAGES.map((language): CapInfo => {
    const text = alert.content[language];
    const mark = statusMark(alert.capStatus, language);
    return {
      language: LANGUAGE_TAGS[language],
      event: message(language, 'alerts.event'),
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
  assertNoLeak(
    infos.flatMap((info) => [info.headline, info.description, info.instruction ?? '', info.senderName]),
    ctx.guard,
  );
  const cap: CapAlert = {
    identifier: alert.id,
    sender: ctx.sender,
    // When Faro issued it, to the second: only the observation time in the texts is rounded.
    sent: alert.publishedAt,
    status: alert.capStatus,
    msgType: alert.msgType,
    note: alert.capStatus === 'Actual' ? undefined : message('en', `alerts.marks.${alert.capStatus}`).trim(),
    references: alert.references.map((ref) => ({
      sender: ctx.sender,
      identifier: ref.id,
      sent: ref.publishedAt,
    })),
    infos,
  };
  return capXml(cap);
}

const toSecond = (date: Date) => new Date(Math.floor(date.getTime() / 1000) * 1000);

/** The public JSON of an actual alert: zones, when it was issued and until when, texts. */
export function publicAlert(alert: RenderableAlert, ctx: PublicContext): PublicAlert {
  if (alert.capStatus !== 'Actual') throw new AppError('NOT_FOUND', 'No such alert.');
  assertPublishable(alert, ctx);
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
  assertPublishable(alert, ctx);
  if (alert.capStatus !== 'Actual') return null;
  return { json: publicAlert(alert, ctx), cap: capDocument(alert, ctx) };
}
