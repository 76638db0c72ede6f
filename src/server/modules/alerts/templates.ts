import type { AlertContent, AlertKind, AlertLanguage, AlertText, CapFields } from '../../../shared/alert.js';
import { publicTime } from '../../../shared/public.js';
import { type Activity, LANGUAGES } from '../../../shared/report-fields.js';
import { formatTime } from '../../../shared/time.js';
import { publicMessage } from '../../locales/messages.js';

/**
 * The composer's templates: every kind filled from the server's texts in
 * English, Spanish and each language whose alert templates the coalition has
 * reviewed (issue 17), with public values only — zone names, an activity, a
 * time rounded to five minutes.
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
export function joinNames(names: readonly string[], language: AlertLanguage): string {
  if (names.length <= 1) return names[0] ?? '';
  return `${names.slice(0, -1).join(publicMessage(language, 'alerts.listJoin'))}${publicMessage(language, 'alerts.andJoin')}${names.at(-1)}`;
}

/** A public time of day in the coalition's time zone: "3:05 PM", "15:05". */
export function clockTime(date: Date, language: AlertLanguage, timeZone: string): string {
  return formatTime(publicTime(date), language, timeZone, 'clock');
}

/**
 * The filled texts of a kind in English, Spanish and each of `languages` (the languages whose
 * alert templates the coalition reviewed; English and Spanish are always there).
 */
export function fillTemplate(
  facts: TemplateFacts,
  languages: readonly AlertLanguage[] = LANGUAGES,
): AlertContent {
  const fill = (language: AlertLanguage): AlertText => {
    const values = {
      zones: joinNames(facts.zoneNames, language),
      activity: publicMessage(language, `alerts.activities.${facts.activity}`),
      time: clockTime(facts.at, language, facts.timeZone),
    };
    const key = `alerts.templates.${facts.kind}` as const;
    return {
      headline: publicMessage(language, `${key}.headline`, values),
      body: publicMessage(language, `${key}.body`, values),
      instruction:
        facts.kind === 'cancel'
          ? publicMessage(language, `${key}.instruction`)
          : publicMessage(language, 'alerts.rights'),
    };
  };
  const wanted = new Set<AlertLanguage>([...LANGUAGES, ...languages]);
  return Object.fromEntries([...wanted].map((language) => [language, fill(language)])) as AlertContent;
}
