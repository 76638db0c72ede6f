import { LANGUAGES, type Language } from '../../../shared/report-fields.js';
import { message } from '../../locales/messages.js';

/**
 * What Faro writes to its own people — a responder's offer and check-in
 * reminder, a dispatcher's alarms, a backup contact's text — in the reader's
 * language, from the server locales. Pure: the job that sends them reads the
 * rows and picks the language with `staffLanguage`.
 */

/**
 * The language to write to a staff member: what their responder profile says
 * they read when it names one of Faro's languages and not the other; else the
 * language of the device being written to (its app's language when it
 * registered for notifications); else English. A text to a phone has no
 * device language: a responder who speaks both gets English, as a text they
 * send is answered.
 */
export function staffLanguage(person: {
  spoken?: readonly string[] | null;
  device?: string | null;
}): Language {
  const spoken = person.spoken ?? [];
  if (spoken.includes('es') && !spoken.includes('en')) return 'es';
  if (spoken.includes('en') && !spoken.includes('es')) return 'en';
  return LANGUAGES.find((language) => language === person.device) ?? 'en';
}

/** The incident a staff text is about: its number and zone (never its place), and who is concerned. */
export interface StaffTextFacts {
  number: number;
  zone: string | null;
  /** The responder concerned (dispatchers' alarms, the backup contact's text). */
  name: string;
}

export const STAFF_PUSH_KINDS = ['offer', 'checkIn', 'help', 'missed', 'escalated', 'noBackup'] as const;
export type StaffPushKind = (typeof STAFF_PUSH_KINDS)[number];

/** A notification's title and body. */
export function staffPushText(
  kind: StaffPushKind,
  language: Language,
  facts: StaffTextFacts,
): { title: string; body: string } {
  const values = {
    number: String(facts.number),
    zone: facts.zone ? ` · ${facts.zone}` : '',
    name: facts.name,
  };
  return {
    title: message(language, `staffPush.${kind}.title`, values),
    body: message(language, `staffPush.${kind}.body`, values),
  };
}

export const STAFF_SMS_KINDS = ['staffOffer', 'checkInMissed', 'backupContact'] as const;
export type StaffSmsKind = (typeof STAFF_SMS_KINDS)[number];

/** A text message: GSM-7 in every language (checked by the tests), so a Spanish text costs what an English one does. */
export function staffSmsText(
  kind: StaffSmsKind,
  language: Language,
  facts: StaffTextFacts & { offerMinutes: number; publicUrl: string },
): string {
  return message(language, `sms.${kind}`, {
    number: String(facts.number),
    // Plain GSM-7 around the zone's name (a "·" alone would make the text UCS-2, twice the segments).
    zone: facts.zone ? ` - ${facts.zone}` : '',
    name: facts.name,
    minutes: String(Math.round(facts.offerMinutes)),
    url: `${facts.publicUrl}/responder`,
  });
}
