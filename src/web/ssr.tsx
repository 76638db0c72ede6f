import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import i18next, { type i18n } from 'i18next';
import { StrictMode } from 'react';
import { renderToString } from 'react-dom/server';
import { I18nextProvider, initReactI18next } from 'react-i18next';
import { StaticRouter } from 'react-router';
import { isLanguage } from '../shared/language.js';
import { isPublicLanguage, type PublicLanguage } from '../shared/languages.js';
import type { ServerPage } from '../shared/pages.js';
import ar from './locales/ar.json';
import en from './locales/en.json';
import es from './locales/es.json';
import fr from './locales/fr.json';
import ht from './locales/ht.json';
import ko from './locales/ko.json';
import pt from './locales/pt.json';
import tl from './locales/tl.json';
import vi from './locales/vi.json';
import zh from './locales/zh.json';
import { AppRoutes } from './routes.js';
import { ServerPageContext, TitleSinkContext } from './server-page.js';

/**
 * The server's renderer of the public pages (built by `vite build --ssr`
 * into dist/ssr, loaded by src/server/http/pages.ts): the same components
 * the browser runs, rendered to HTML so a page is readable and its forms
 * usable before — or without — any script.
 */

const BUNDLES: Record<PublicLanguage, Record<string, unknown>> = { en, es, zh, vi, ko, tl, ar, ht, pt, fr };

const instances = new Map<PublicLanguage, i18n>();
function translations(language: PublicLanguage): i18n {
  let instance = instances.get(language);
  if (!instance) {
    instance = i18next.createInstance();
    void instance.use(initReactI18next).init({
      lng: language,
      resources: {
        [language]: { translation: BUNDLES[language] },
        ...(isLanguage(language) ? {} : { en: { translation: BUNDLES.en } }),
      },
      // As in the browser (i18n.ts): a language other than English and Spanish borrows English's missing words.
      fallbackLng: isLanguage(language) ? false : 'en',
      interpolation: { escapeValue: false },
      returnNull: false,
      showSupportNotice: false,
      initAsync: false,
    });
    instances.set(language, instance);
  }
  return instance;
}

export interface Rendered {
  html: string;
  title: string;
}

/** Renders the page at `url` (path and query) as the browser's first render will. */
export function renderPage(url: string, page: ServerPage): Rendered {
  const language = isPublicLanguage(page.language) ? page.language : 'en';
  const queryClient = new QueryClient({ defaultOptions: { queries: { retry: false } } });
  const updatedAt = Date.parse(page.renderedAt) || Date.now();
  for (const { key, data } of page.queries) queryClient.setQueryData(key, data, { updatedAt });
  const title = { title: '' };
  const html = renderToString(
    <StrictMode>
      <QueryClientProvider client={queryClient}>
        <ServerPageContext.Provider value={page}>
          <TitleSinkContext.Provider value={title}>
            <I18nextProvider i18n={translations(language)}>
              <StaticRouter location={url}>
                <AppRoutes />
              </StaticRouter>
            </I18nextProvider>
          </TitleSinkContext.Provider>
        </ServerPageContext.Provider>
      </QueryClientProvider>
    </StrictMode>,
  );
  queryClient.clear();
  return { html, title: title.title || translations(language).t('app.name') };
}
