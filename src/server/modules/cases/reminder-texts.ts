import type { ReminderKind } from '../../../shared/case-calendar.js';
import { caseReference } from '../../../shared/case-calendar.js';
import { toE164 } from '../../../shared/phone.js';
import { LANGUAGES, type Language, LOCALE_TAGS } from '../../../shared/report-fields.js';
import { message } from '../../locales/messages.js';
import { invalid } from './cases.service.js';

/**
 * What a hearing or task reminder says, in the reader's language, from the server locales. Pure.
 * Nothing here names the detained person: a push lands on a lock screen and an e-mail passes
 * through mail servers, so they carry the case's short reference, when, the court (for a hearing)
 * and the link to the case in Faro; the task's own text (it may name people) stays in Faro.
 */

/** The facts a reminder is written from. */
export interface ReminderFacts {
  kind: ReminderKind;
  caseId: string;
  /** The hearing's time, or the task's due date (a calendar date, `YYYY-MM-DD`). */
  at: Date | string;
  court?: string | undefined;
  timeZone: string;
  /** This Faro's public address (no trailing slash). */
  publicUrl: string;
}

/** The link to the case in the legal team's page. */
export const caseLink = (publicUrl: string, caseId: string) => `${publicUrl}/cases?case=${caseId}`;

/** "Tuesday, December 15 at 9:00 AM" / "martes, 15 de diciembre, 9:00", in the coalition's time zone. */
export function hearingWhen(at: Date, language: Language, timeZone: string): string {
  return (
    new Intl.DateTimeFormat(LOCALE_TAGS[language], {
      weekday: 'long',
      day: 'numeric',
      month: 'long',
      hour: 'numeric',
      minute: '2-digit',
      hour12: language !== 'es',
      timeZone,
    })
      .format(at)
      // A 24-hour clock pads the hour ("09:00"); people write "9:00".
      .replace(/\b0(\d:\d\d)/, '$1')
  );
}

/** A calendar date ("2026-12-15") as "Tuesday, December 15" / "martes, 15 de diciembre". */
export function dueWhen(date: string, language: Language): string {
  return new Intl.DateTimeFormat(LOCALE_TAGS[language], {
    weekday: 'long',
    day: 'numeric',
    month: 'long',
    timeZone: 'UTC',
  }).format(new Date(`${date}T12:00:00Z`));
}

function values(facts: ReminderFacts, language: Language) {
  return {
    when:
      facts.kind === 'task_due'
        ? dueWhen(String(facts.at), language)
        : hearingWhen(new Date(facts.at), language, facts.timeZone),
    court: facts.court ?? '',
    reference: caseReference(facts.caseId),
    link: caseLink(facts.publicUrl, facts.caseId),
  };
}

/** A staff member's notification: title and body. */
export function reminderPush(facts: ReminderFacts, language: Language) {
  const filled = values(facts, language);
  return {
    title: message(language, `caseReminders.${facts.kind}.title`, filled),
    body: message(language, `caseReminders.${facts.kind}.body`, filled),
  };
}

/**
 * A staff member's e-mail, in their language where Faro knows it (their devices' app language or
 * their responder profile), else in English and Spanish, as Faro's other staff e-mails.
 */
export function reminderMail(facts: ReminderFacts, language: Language | null) {
  const parts = (language ? [language] : [...LANGUAGES]).map((lang) => {
    const filled = values(facts, lang);
    return {
      subject: message(lang, `caseReminders.${facts.kind}.subject`, filled),
      body: message(lang, `caseReminders.${facts.kind}.mail`, filled),
    };
  });
  return {
    subject: parts.map((part) => part.subject).join(' / '),
    text: parts.map((part) => part.body).join('\n\n— — —\n\n'),
  };
}

/** Plain GSM-7: accents dropped (ñ is GSM-7), so a Spanish text costs what an English one does. */
const gsm = (text: string) =>
  text
    .normalize('NFC')
    .replace(/[^\p{ASCII}ñÑ]/gu, (ch) => (/\s/u.test(ch) ? ' ' : ch.normalize('NFD').replace(/\p{M}/gu, '')));

/**
 * The family contact's text: the hearing's date, time and court, nothing else (no name, no case,
 * no link), in their language.
 */
export function familyReminderSms(
  facts: { kind: 'hearing_week' | 'hearing_day'; at: Date; court: string; timeZone: string },
  language: Language,
): string {
  return gsm(
    message(language, `caseReminders.sms.${facts.kind}`, {
      when: hearingWhen(facts.at, language, facts.timeZone),
      court: facts.court,
    }),
  );
}

/**
 * The language to text a family contact in: the case records their language as written ("es",
 * "Spanish", "español", "Mixteco"); Spanish when it says so, else English.
 */
export function smsLanguageOf(language: string | null | undefined): Language {
  return /^\s*(es\b|spa|espa|castellano)/i.test(language ?? '') ? 'es' : 'en';
}

/** A contact who wants reminders by text needs a mobile number Faro can text. */
export function textableContact(input: { phone?: string | undefined }): string {
  const phone = input.phone ? toE164(input.phone) : null;
  if (!phone)
    throw invalid('phone', 'Enter the contact’s mobile number with its area code to text them reminders.');
  return phone;
}
