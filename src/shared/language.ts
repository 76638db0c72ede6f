import { LANGUAGES, type Language } from './report-fields.js';

/**
 * Which language a page is in, decided the same way by the server (which
 * renders the public pages) and the browser: a `?lang=` link first, then the
 * person's own choice (a cookie, so the server knows it too), then what the
 * phone asks for (Accept-Language / navigator.languages), else English.
 */
export const LANGUAGE_COOKIE = 'faro_lang';

export const isLanguage = (value: string | null | undefined): value is Language =>
  !!value && (LANGUAGES as readonly string[]).includes(value);

/** The first supported language in an Accept-Language header, by its q order. */
export function acceptedLanguage(header: string | undefined): Language | null {
  if (!header) return null;
  const ranked = header
    .split(',')
    .map((part, index) => {
      const [tag = '', ...params] = part.trim().split(';');
      const q = params.map((p) => p.trim()).find((p) => p.startsWith('q='));
      return { base: tag.trim().slice(0, 2).toLowerCase(), q: q ? Number(q.slice(2)) : 1, index };
    })
    .filter((entry) => entry.q > 0)
    .sort((a, b) => b.q - a.q || a.index - b.index);
  return ranked.map((entry) => entry.base).find(isLanguage) ?? null;
}

export function pickLanguage(from: {
  query?: string | null | undefined;
  chosen?: string | null | undefined;
  accepted?: string | undefined;
}): Language {
  if (isLanguage(from.query)) return from.query;
  if (isLanguage(from.chosen)) return from.chosen;
  return acceptedLanguage(from.accepted) ?? 'en';
}
