import { LANGUAGES, type Language } from './report-fields.js';

/**
 * The languages of the public side (issue 17): the rights library, and the
 * public pages as their translations arrive. Staff pages and alerts speak
 * `LANGUAGES` (English and Spanish); every public language falls back to
 * English for a word it does not have yet.
 */
export const PUBLIC_LANGUAGES = ['en', 'es', 'zh', 'vi', 'ko', 'tl', 'ar', 'ht', 'pt', 'fr'] as const;
export type PublicLanguage = (typeof PUBLIC_LANGUAGES)[number];

export interface LanguageFacts {
  /** The language's name in its own script, as a list of languages shows it. */
  native: string;
  /** Its name in English (admin pages, logs). */
  english: string;
  dir: 'ltr' | 'rtl';
  /** BCP 47 tag for Intl (dates, plurals) and the page's `lang`. */
  tag: string;
}

export const LANGUAGE_FACTS: Record<PublicLanguage, LanguageFacts> = {
  en: { native: 'English', english: 'English', dir: 'ltr', tag: 'en-US' },
  es: { native: 'Español', english: 'Spanish', dir: 'ltr', tag: 'es-US' },
  zh: { native: '中文（简体）', english: 'Chinese (Simplified)', dir: 'ltr', tag: 'zh-Hans' },
  vi: { native: 'Tiếng Việt', english: 'Vietnamese', dir: 'ltr', tag: 'vi' },
  ko: { native: '한국어', english: 'Korean', dir: 'ltr', tag: 'ko' },
  tl: { native: 'Tagalog', english: 'Tagalog', dir: 'ltr', tag: 'tl' },
  ar: { native: 'العربية', english: 'Arabic', dir: 'rtl', tag: 'ar' },
  ht: { native: 'Kreyòl ayisyen', english: 'Haitian Creole', dir: 'ltr', tag: 'ht' },
  pt: { native: 'Português', english: 'Portuguese', dir: 'ltr', tag: 'pt-BR' },
  fr: { native: 'Français', english: 'French', dir: 'ltr', tag: 'fr' },
};

export const isPublicLanguage = (value: string | null | undefined): value is PublicLanguage =>
  !!value && (PUBLIC_LANGUAGES as readonly string[]).includes(value);

/** The writing direction of a page in this language (the whole page turns, not only its text). */
export const directionOf = (language: string): 'ltr' | 'rtl' =>
  isPublicLanguage(language) ? LANGUAGE_FACTS[language].dir : 'ltr';

/** The staff and alert language a public language is served in until alerts speak it: itself, or English. */
export const staffLanguageOf = (language: string): Language =>
  (LANGUAGES as readonly string[]).includes(language) ? (language as Language) : 'en';

/**
 * The languages Faro ships reviewed in every part (public pages' words, alert templates): English
 * and Spanish, written with care; the other eight are drafts until a member organization reviews them.
 */
export const SHIPPED_REVIEWED_LANGUAGES: readonly PublicLanguage[] = LANGUAGES;

/**
 * Whether the public pages' words in `language` are reviewed — by the coalition's stored review
 * status where the server gave it (`reviewed`), else as shipped. The one place a page asks.
 */
export const uiReviewed = (
  language: PublicLanguage,
  reviewed: readonly PublicLanguage[] = SHIPPED_REVIEWED_LANGUAGES,
) => reviewed.includes(language);
