import type { Language } from '../../../shared/report-fields.js';
import { fold } from './sms-text.js';

/**
 * The words that manage alerts from any phone, per language: the language of
 * the subscription is the keyword's. Another language is one more entry in
 * each table (its own words, as its speakers would type them, folded). Only
 * plurals: "alerta, migra en…" begins many a report, and a report must never
 * be taken for a command.
 */
const KEYWORDS: Record<Language, { subscribe: string[]; zones: string[]; mine: string[] }> = {
  en: { subscribe: ['alerts'], zones: ['zones'], mine: ['my alerts'] },
  es: { subscribe: ['alertas'], zones: ['zonas'], mine: ['mis alertas'] },
};

/** A neighborhood is a few words: a longer text after ALERTS is more likely a report, and is read as one. */
const MAX_ZONE_WORDS = 4;

export type AlertText =
  | { kind: 'subscribe'; language: Language; zone: string }
  | { kind: 'zones'; language: Language; page: number }
  | { kind: 'mine'; language: Language }
  /** A number on its own: the answer to a numbered choice (if one is waiting). */
  | { kind: 'choice'; choice: number };

const entries = Object.entries(KEYWORDS) as [Language, (typeof KEYWORDS)[Language]][];

/** "ALERTAS BOYLE HEIGHTS", "ZONES 2", "MY ALERTS", "2" → what it asks; null for any other text. */
export function parseAlertText(body: string): AlertText | null {
  const text = fold(body);
  if (/^\d{1,2}$/.test(text)) return { kind: 'choice', choice: Number(text) };
  for (const [language, words] of entries) {
    if (words.mine.includes(text)) return { kind: 'mine', language };
  }
  for (const [language, words] of entries) {
    for (const word of words.zones) {
      if (text === word) return { kind: 'zones', language, page: 1 };
      const page = new RegExp(`^${word} (\\d{1,2})$`).exec(text)?.[1];
      if (page) return { kind: 'zones', language, page: Number(page) };
    }
  }
  for (const [language, words] of entries) {
    for (const word of words.subscribe) {
      if (text === word) return { kind: 'subscribe', language, zone: '' };
      if (!text.startsWith(`${word} `)) continue;
      const zone = text.slice(word.length + 1);
      if (zone.split(' ').length > MAX_ZONE_WORDS) return null;
      return { kind: 'subscribe', language, zone };
    }
  }
  return null;
}
