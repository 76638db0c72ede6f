import { useEffect } from 'react';
import { useTranslation } from 'react-i18next';

/**
 * The tab's title while a page shows: what it says first, then the app's name ("Assigned · Faro"),
 * so a background tab or a screen reader's list of windows tells the state. Back to the app's name
 * when the page goes.
 */
export function usePageTitle(title: string | null) {
  const { t } = useTranslation();
  const name = t('app.name');
  useEffect(() => {
    document.title = title ? `${title} · ${name}` : name;
  }, [title, name]);
  useEffect(
    () => () => {
      document.title = name;
    },
    [name],
  );
}
