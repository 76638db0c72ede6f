import { useTranslation } from 'react-i18next';
import { isLanguage } from '../shared/language.js';
import { isPublicLanguage, type PublicLanguage } from '../shared/languages.js';
import type { Language } from '../shared/report-fields.js';

/** The language the page is shown in (the server's or the browser's i18n instance, whichever renders). */
export function useLanguage(): Language {
  const { i18n } = useTranslation();
  return isLanguage(i18n.language) ? i18n.language : 'en';
}

/** The page's own language among every public one (the rights library's ten), for a page that speaks them. */
export function usePageLanguage(): PublicLanguage {
  const { i18n } = useTranslation();
  return isPublicLanguage(i18n.language) ? i18n.language : 'en';
}
