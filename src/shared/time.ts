import { LANGUAGE_FACTS, type PublicLanguage } from './languages.js';
import { LOCALE_TAGS } from './report-fields.js';

/**
 * How a time is shown to a person, everywhere — public pages, the board,
 * texts, e-mails: always in the coalition's time zone (a volunteer's phone set
 * to another zone, or a server on UTC, shows the same time as the alert), and
 * one clock per language (12-hour in English, 24-hour in Spanish).
 *
 * - `clock`: "3:05 PM" / "15:05"
 * - `seconds`: "3:05:12 PM" / "15:05:12" (an observer's note, where the second counts)
 * - `dateTime`: "Dec 4, 3:05 PM" / "4 dic, 15:05"
 * - `long`: "December 4, 2026 at 3:05 PM PST" (mail, where the reader may be elsewhere)
 */
export type TimeStyle = 'clock' | 'seconds' | 'dateTime' | 'long';

const OPTIONS: Record<TimeStyle, Intl.DateTimeFormatOptions> = {
  clock: { hour: 'numeric', minute: '2-digit' },
  seconds: { hour: 'numeric', minute: '2-digit', second: '2-digit' },
  dateTime: { month: 'short', day: 'numeric', hour: 'numeric', minute: '2-digit' },
  long: {
    year: 'numeric',
    month: 'long',
    day: 'numeric',
    hour: 'numeric',
    minute: '2-digit',
    timeZoneName: 'short',
  },
};

/** Made once per language, zone and style: a board of 500 rows formats 1,000 times a render. */
const formats = new Map<string, Intl.DateTimeFormat>();

function formatOf(language: PublicLanguage, timeZone: string, style: TimeStyle): Intl.DateTimeFormat {
  const key = `${language}|${timeZone}|${style}`;
  let format = formats.get(key);
  if (!format) {
    const staff = language === 'en' || language === 'es';
    format = new Intl.DateTimeFormat(staff ? LOCALE_TAGS[language] : LANGUAGE_FACTS[language].tag, {
      ...OPTIONS[style],
      // English and Spanish as their readers here expect; the other languages as their locale's clock.
      ...(staff ? { hour12: language !== 'es' } : {}),
      timeZone,
    });
    formats.set(key, format);
  }
  return format;
}

export function formatTime(
  at: Date | string | number,
  language: PublicLanguage,
  timeZone: string,
  style: TimeStyle = 'clock',
): string {
  return formatOf(language, timeZone, style).format(at instanceof Date ? at : new Date(at));
}
