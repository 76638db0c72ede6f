import type { AlertContent, AlertKind, CapFields } from '../../../shared/alert.js';
import { publicTime } from '../../../shared/public.js';
import { type Activity, LANGUAGES, type Language } from '../../../shared/report-fields.js';
import { formatTime } from '../../../shared/time.js';
import { message } from '../../locales/messages.js';

/**
 * The composer's templates: every kind filled in every language from the
 * server's texts (more languages are added as content), with public values
 * only — zone names, an activity, a time rounded to five minutes.
 */

export interface TemplateFacts {
  kind: AlertKind;
  /** Zone names per language are the same (place names are not translated). */
  zoneNames: readonly string[];
  activity: Activity;
  /** When it was seen (or, for an all clear, now); rounded before it is shown. */
  at: Date;
  timeZone: string;
}

/** The CAP fields each kind starts with; the composer may change them. */
export const CAP_DEFAULTS: Record<AlertKind, CapFields> = {
  activity: { urgency: 'Immediate', severity: 'Severe', certainty: 'Observed', expiresInMinutes: 180 },
  update: { urgency: 'Immediate', severity: 'Severe', certainty: 'Observed', expiresInMinutes: 180 },
  all_clear: { urgency: 'Past', severity: 'Minor', certainty: 'Observed', expiresInMinutes: 120 },
  rumor_false: { urgency: 'Past', severity: 'Minor', certainty: 'Unlikely', expiresInMinutes: 360 },
  cancel: { urgency: 'Past', severity: 'Minor', certainty: 'Unlikely', expiresInMinutes: 120 },
};

/** "Boyle Heights, El Sereno and Koreatown". */
export function joinNames(names: readonly string[], language: Language): string {
  if (names.length <= 1) return names[0] ?? '';
  return `${names.slice(0, -1).join(', ')}${message(language, 'alerts.andJoin')}${names.at(-1)}`;
}

/** A public time of day in the coalition's time zone: "3:05 PM", "15:05". */
export function clockTime(date: Date, language: Language, timeZone: string): string {
  return formatTime(publicTime(date), language, timeZone, 'clock');
}

/** The filled texts of a kind, in every language. */
export function fillTemplate(facts: TemplateFacts): AlertContent {
  const fill = (language: Language) => {
    const values = {
      zones: joinNames(facts.zoneNames, language),
      activity: message(language, `alerts.activities.${facts.activity}`),
      time: clockTime(facts.at, language, facts.timeZone),
    };
    const key = `alerts.templates.${facts.kind}`;
    return {
      headline: message(language, `${key}.headline`, values),
      body: message(language, `${key}.body`, values),
      instruction:
        facts.kind === 'cancel'
          ? message(language, `${key}.instruction`)
          : message(language, 'alerts.rights'),
    };
  };
  return Object.fromEntries(LANGUAGES.map((language) => [language, fill(language)])) as AlertContent;
}
