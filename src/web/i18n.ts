import i18n, { type BackendModule } from 'i18next';
import { initReactI18next } from 'react-i18next';
import { isLanguage, LANGUAGE_COOKIE, pickLanguage } from '../shared/language.js';
import { directionOf, isPublicLanguage, PUBLIC_LANGUAGES, type PublicLanguage } from '../shared/languages.js';
import { speaksEveryLanguage } from '../shared/pages.js';
import { LANGUAGES, type Language } from '../shared/report-fields.js';
import { cookieChoice, followingPage, STORAGE_KEY, storedChoice } from './language.js';
import { readServerPage } from './server-page.js';

/** Each language's words, downloaded only when a page is shown in it. */
const LOADERS: Record<PublicLanguage, () => Promise<{ default: Record<string, unknown> }>> = {
  en: () => import('./locales/en.json'),
  es: () => import('./locales/es.json'),
  zh: () => import('./locales/zh.json'),
  vi: () => import('./locales/vi.json'),
  ko: () => import('./locales/ko.json'),
  tl: () => import('./locales/tl.json'),
  ar: () => import('./locales/ar.json'),
  ht: () => import('./locales/ht.json'),
  pt: () => import('./locales/pt.json'),
  fr: () => import('./locales/fr.json'),
};

/**
 * Only the page's language is downloaded (a phone on a slow connection
 * should not fetch Spanish to read English); the other arrives when the
 * person switches. test/locales.test.ts keeps English and Spanish complete,
 * and the public pages' words complete in all ten; a staff word the other
 * eight do not have falls back to English (`fallbackLng`).
 */
const bundles: BackendModule = {
  type: 'backend',
  init() {},
  read(language, _namespace, done) {
    const load = (isPublicLanguage(language) ? LOADERS[language] : LOADERS.en)();
    load.then(
      (bundle) => done(null, bundle.default),
      (error: unknown) => done(error as Error, null),
    );
  },
};

/** A page the server rendered is in the language the server chose (the same rule); else the rule here. */
function initialLanguage(): PublicLanguage {
  const server = readServerPage();
  if (server && isPublicLanguage(server.language)) return server.language;
  return pickLanguage(
    {
      query: new URLSearchParams(window.location.search).get('lang'),
      chosen: storedChoice() ?? cookieChoice(),
      accepted: navigator.languages.join(','),
    },
    speaksEveryLanguage(window.location.pathname) ? PUBLIC_LANGUAGES : LANGUAGES,
  );
}

/** Switches language and remembers it on this phone (a cookie too, so the server renders the next page in it). */
export async function setLanguage(language: PublicLanguage): Promise<void> {
  await i18n.changeLanguage(language);
}

/** Set once the first language is up: only a change after it is the person's choice, to remember. */
let started = false;

/** Keeps the person's choice on this phone, and in the cookie the server chooses its pages by. */
function remember(language: PublicLanguage): void {
  try {
    window.localStorage.setItem(STORAGE_KEY, language);
  } catch {
    // not remembered here; the cookie still is
  }
  const secure = window.location.protocol === 'https:' ? '; secure' : '';
  // biome-ignore lint/suspicious/noDocumentCookie: the Cookie Store API is missing on the older phones Faro serves.
  document.cookie = `${LANGUAGE_COOKIE}=${language}; path=/; max-age=31536000; samesite=lax${secure}`;
}

i18n.on('languageChanged', (language) => {
  document.documentElement.lang = language;
  document.documentElement.dir = directionOf(language);
  // Any public language chosen is remembered (a staff page reads it among its own two); a change
  // that only follows the page (a staff page turning to English) is not the person's choice.
  if (!started || followingPage() || !isPublicLanguage(language)) return;
  remember(language);
});

/**
 * A choice made before the server knew it (kept only on the phone) wins once the page is up —
 * unless the page's address chose its language (`?lang=`, a rights page in Arabic): that is the
 * person's choice now, kept on the phone too (the server kept it in the cookie), so the next page
 * opened in the browser stays in it.
 */
export function applyStoredChoice(): void {
  const stored = storedChoice();
  const linked = new URLSearchParams(window.location.search).get('lang');
  if (linked !== null) {
    if (linked === i18n.language && isPublicLanguage(linked) && stored !== linked) {
      if (speaksEveryLanguage(window.location.pathname) || isLanguage(linked)) remember(linked);
    }
    return;
  }
  const speaks = speaksEveryLanguage(window.location.pathname)
    ? isPublicLanguage(stored)
    : isLanguage(stored);
  if (speaks && stored !== i18n.language) void setLanguage(stored as PublicLanguage);
}

await i18n
  .use(bundles)
  .use(initReactI18next)
  .init({
    lng: initialLanguage(),
    // English and Spanish are complete; another language borrows English's word until it has its own.
    fallbackLng: (code: string) => (isLanguage(code) ? [] : ['en']),
    interpolation: { escapeValue: false },
    returnNull: false,
    showSupportNotice: false,
  });
document.documentElement.lang = i18n.language;
document.documentElement.dir = directionOf(i18n.language);
started = true;

/** The language staff pages and the API's language fields speak: the page's, or English. */
export const currentLanguage = (): Language => (isLanguage(i18n.language) ? i18n.language : 'en');
export default i18n;
