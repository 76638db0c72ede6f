import { useContext, useEffect } from 'react';
import { useTranslation } from 'react-i18next';
import { TitleSinkContext } from './server-page.js';

/**
 * The tab's title while a page shows: what it says first, then the app's name ("Assigned · Faro"),
 * so a background tab or a screen reader's list of windows tells the state. Back to the app's name
 * when the page goes. On the server the title goes into the page it renders.
 */
export function usePageTitle(title: string | null) {
  const { t } = useTranslation();
  const name = t('app.name');
  const full = title ? `${title} · ${name}` : name;
  const sink = useContext(TitleSinkContext);
  if (sink) sink.title = full;
  useEffect(() => {
    document.title = full;
  }, [full]);
  useEffect(
    () => () => {
      document.title = name;
    },
    [name],
  );
}
