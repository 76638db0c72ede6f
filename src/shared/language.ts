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

/** Primary language subtags that name one of ours another way (Filipino is written in Tagalog here). */
const SAME_LANGUAGE: Record<string, string> = { fil: 'tl' };

/** The first of `among` (by default the languages every page speaks) in an Accept-Language header, by its q order. */
export function acceptedLanguage<L extends string = Language>(
  header: string | undefined,
  among: readonly L[] = LANGUAGES as unknown as readonly L[],
): L | null {
  if (!header) return null;
  const ranked = header
    .split(',')
    .map((part, index) => {
      const [tag = '', ...params] = part.trim().split(';');
      const q = params.map((p) => p.trim()).find((p) => p.startsWith('q='));
      const primary = (tag.trim().split('-')[0] ?? '').toLowerCase();
      return { base: SAME_LANGUAGE[primary] ?? primary, q: q ? Number(q.slice(2)) : 1, index };
    })
    .filter((entry) => entry.q > 0)
    .sort((a, b) => b.q - a.q || a.index - b.index);
  const known = (base: string): base is L => (among as readonly string[]).includes(base);
  return ranked.map((entry) => entry.base).find(known) ?? null;
}

/**
 * The page's language among `among`: every page speaks English and Spanish (`LANGUAGES`); the
 * rights library speaks all of `PUBLIC_LANGUAGES` (shared/languages.ts).
 */
export function pickLanguage<L extends string = Language>(
  from: {
    query?: string | null | undefined;
    chosen?: string | null | undefined;
    accepted?: string | undefined;
  },
  among: readonly L[] = LANGUAGES as unknown as readonly L[],
): L | 'en' {
  const known = (value: string | null | undefined): value is L =>
    !!value && (among as readonly string[]).includes(value);
  if (known(from.query)) return from.query;
  if (known(from.chosen)) return from.chosen;
  return acceptedLanguage(from.accepted, among) ?? 'en';
}
