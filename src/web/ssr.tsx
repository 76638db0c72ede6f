import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import i18next, { type i18n } from 'i18next';
import { StrictMode } from 'react';
import { renderToString } from 'react-dom/server';
import { I18nextProvider, initReactI18next } from 'react-i18next';
import { StaticRouter } from 'react-router';
import type { ServerPage } from '../shared/pages.js';
import { LANGUAGES, type Language } from '../shared/report-fields.js';
import en from './locales/en.json';
import es from './locales/es.json';
import { AppRoutes } from './routes.js';
import { ServerPageContext, TitleSinkContext } from './server-page.js';

/**
 * The server's renderer of the public pages (built by `vite build --ssr`
 * into dist/ssr, loaded by src/server/http/pages.ts): the same components
 * the browser runs, rendered to HTML so a page is readable and its forms
 * usable before — or without — any script.
 */

const BUNDLES: Record<Language, Record<string, unknown>> = { en, es };

const instances = new Map<Language, i18n>();
function translations(language: Language): i18n {
  let instance = instances.get(language);
  if (!instance) {
    instance = i18next.createInstance();
    void instance.use(initReactI18next).init({
      lng: language,
      resources: { [language]: { translation: BUNDLES[language] } },
      fallbackLng: false,
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
  const language = (LANGUAGES as readonly string[]).includes(page.language)
    ? (page.language as Language)
    : 'en';
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
