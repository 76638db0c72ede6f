import type { PublicLanguage } from '../../../shared/languages.js';
import { fold } from './sms-text.js';

/**
 * The words that manage alerts from any phone, per language: the language of
 * the subscription is the keyword's. Each language has its own words, as its
 * speakers would type them (accents optional: every word is compared folded),
 * and no two languages share one — Portuguese says AVISOS and BAIRROS because
 * ALERTAS and ZONAS are Spanish's (docs/RIGHTS.md lists them all). Only
 * plurals where the language has them: "alerta, migra en…" begins many a
 * report, and a report must never be taken for a command.
 */
const KEYWORDS: Record<PublicLanguage, { subscribe: string[]; zones: string[]; mine: string[] }> = {
  en: { subscribe: ['alerts'], zones: ['zones'], mine: ['my alerts'] },
  es: { subscribe: ['alertas'], zones: ['zonas'], mine: ['mis alertas'] },
  zh: { subscribe: ['警报', '警報'], zones: ['地区', '地區'], mine: ['我的警报', '我的警報'] },
  vi: { subscribe: ['cảnh báo'], zones: ['khu vực'], mine: ['cảnh báo của tôi'] },
  ko: { subscribe: ['알림'], zones: ['지역'], mine: ['내 알림'] },
  tl: { subscribe: ['mga alerto'], zones: ['mga lugar'], mine: ['alerto ko'] },
  ar: { subscribe: ['تنبيهات'], zones: ['مناطق'], mine: ['تنبيهاتي'] },
  ht: { subscribe: ['alèt'], zones: ['zòn'], mine: ['alèt mwen'] },
  pt: { subscribe: ['avisos'], zones: ['bairros'], mine: ['meus avisos'] },
  fr: { subscribe: ['alertes'], zones: ['quartiers'], mine: ['mes alertes'] },
};

/** A neighborhood is a few words: a longer text after ALERTS is more likely a report, and is read as one. */
const MAX_ZONE_WORDS = 4;

export type AlertText =
  | { kind: 'subscribe'; language: PublicLanguage; zone: string }
  | { kind: 'zones'; language: PublicLanguage; page: number }
  | { kind: 'mine'; language: PublicLanguage }
  /** A number on its own: the answer to a numbered choice (if one is waiting). */
  | { kind: 'choice'; choice: number };

const folded = (list: string[]) => list.map(fold);
const entries = (Object.entries(KEYWORDS) as [PublicLanguage, (typeof KEYWORDS)[PublicLanguage]][]).map(
  ([language, words]) =>
    [
      language,
      { subscribe: folded(words.subscribe), zones: folded(words.zones), mine: folded(words.mine) },
    ] as const,
);

/** Every keyword, folded (for checks that no two languages share one). */
export const ALERT_KEYWORDS = entries;

const escaped = (word: string) => word.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
/** Chinese, Korean and Arabic keywords are often typed straight on to what follows ("警报Boyle Heights"). */
const latin = (word: string) => /^[a-z ]+$/.test(word);
const after = (word: string) => (latin(word) ? ' ' : ' ?');

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
      const page = new RegExp(`^${escaped(word)}${after(word)}(\\d{1,2})$`, 'u').exec(text)?.[1];
      if (page) return { kind: 'zones', language, page: Number(page) };
    }
  }
  for (const [language, words] of entries) {
    for (const word of words.subscribe) {
      if (text === word) return { kind: 'subscribe', language, zone: '' };
      const rest = new RegExp(`^${escaped(word)}${after(word)}(.+)$`, 'u').exec(text)?.[1];
      if (!rest) continue;
      const zone = rest.trim();
      if (zone.split(' ').length > MAX_ZONE_WORDS) return null;
      return { kind: 'subscribe', language, zone };
    }
  }
  return null;
}
