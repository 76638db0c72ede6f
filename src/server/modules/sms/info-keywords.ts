import type { PublicLanguage } from '../../../shared/languages.js';
import { fold } from './sms-text.js';

/**
 * One-word texts that ask what the line offers, per language, as its speakers would type
 * them (compared folded: accents, case and a trailing "?" do not matter): RIGHTS texts back
 * the wallet card, HELP the list of keywords. Only the whole text: "help they are taking my
 * neighbor" is a report. docs/RIGHTS.md lists them; no word belongs to two languages.
 */
const INFO_KEYWORDS: Record<PublicLanguage, { rights: string[]; help: string[] }> = {
  en: { rights: ['rights', 'my rights'], help: ['help', 'info'] },
  es: { rights: ['derechos', 'mis derechos'], help: ['ayuda'] },
  zh: { rights: ['权利', '權利', '我的权利'], help: ['帮助', '幫助'] },
  vi: { rights: ['quyền', 'quyền của tôi'], help: ['giúp đỡ', 'giup do', 'trợ giúp'] },
  ko: { rights: ['권리', '내 권리'], help: ['도움', '도움말'] },
  tl: { rights: ['karapatan', 'mga karapatan'], help: ['tulong'] },
  ar: { rights: ['حقوق', 'حقوقي'], help: ['مساعدة', 'مساعده'] },
  ht: { rights: ['dwa', 'dwa mwen'], help: ['èd'] },
  pt: { rights: ['direitos', 'meus direitos'], help: ['ajuda'] },
  fr: { rights: ['droits', 'mes droits'], help: ['aide'] },
};

export type InfoText = { kind: 'rights' | 'help'; language: PublicLanguage };

const WORDS = new Map<string, InfoText>();
for (const [language, words] of Object.entries(INFO_KEYWORDS) as [
  PublicLanguage,
  (typeof INFO_KEYWORDS)[PublicLanguage],
][]) {
  for (const word of words.rights) WORDS.set(fold(word), { kind: 'rights', language });
  for (const word of words.help) WORDS.set(fold(word), { kind: 'help', language });
}

/** Every keyword, folded, with what it asks (for checks that none clashes with another). */
export const INFO_WORDS: ReadonlyMap<string, InfoText> = WORDS;

/** "RIGHTS", "Derechos", "권리", "AYUDA" → what it asks and in which language; null for any other text. */
export function parseInfoText(body: string): InfoText | null {
  return WORDS.get(fold(body)) ?? null;
}
