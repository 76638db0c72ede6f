import { useEffect } from 'react';
import { useTranslation } from 'react-i18next';
import { isLanguage, LANGUAGE_COOKIE, pickLanguage } from '../shared/language.js';
import { isPublicLanguage, type PublicLanguage } from '../shared/languages.js';
import { LANGUAGES, type Language } from '../shared/report-fields.js';

/** The language the page is shown in (the server's or the browser's i18n instance, whichever renders). */
export function useLanguage(): Language {
  const { i18n } = useTranslation();
  return isLanguage(i18n.language) ? i18n.language : 'en';
}

/** The page's own language among every public one (the ten), for a page that speaks them. */
export function usePageLanguage(): PublicLanguage {
  const { i18n } = useTranslation();
  return isPublicLanguage(i18n.language) ? i18n.language : 'en';
}

export const STORAGE_KEY = 'faro.lang';

/** The language the person chose on this phone (kept in its storage), if any. */
export function storedChoice(): string | null {
  try {
    return window.localStorage.getItem(STORAGE_KEY);
  } catch {
    // Storage can be unavailable (private mode); the cookie may still say it.
    return null;
  }
}

/** The language the person chose, as the cookie the server reads says it. */
export function cookieChoice(): string | null {
  const match = document.cookie.match(new RegExp(`(?:^|; )${LANGUAGE_COOKIE}=([a-z]{2})`));
  return match?.[1] ?? null;
}

/** True while the page's language follows the page (not the person's choice, so not remembered). */
let following = false;
export const followingPage = () => following;

/**
 * Moving between a public page (the ten) and a staff page (English and Spanish) in the browser: a
 * staff page shown in Korean turns to the person's English or Spanish, and a public page back to
 * the language they chose — neither change is their choice, so neither is remembered.
 */
export function useLanguageRule(path: string, everyLanguage: boolean): void {
  const { i18n } = useTranslation();
  // biome-ignore lint/correctness/useExhaustiveDependencies: once per page; a change of language on a page is the person's.
  useEffect(() => {
    const chosen = storedChoice() ?? cookieChoice();
    let next: string | null = null;
    if (!everyLanguage && !isLanguage(i18n.language)) {
      next = pickLanguage({ chosen, accepted: navigator.languages.join(',') }, LANGUAGES);
    } else if (
      everyLanguage &&
      isPublicLanguage(chosen) &&
      chosen !== i18n.language &&
      !new URLSearchParams(window.location.search).has('lang')
    ) {
      next = chosen;
    }
    if (!next) return;
    following = true;
    void i18n.changeLanguage(next).finally(() => {
      following = false;
    });
  }, [path]);
}
