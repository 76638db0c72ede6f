import { useEffect } from 'react';
import { useTranslation } from 'react-i18next';

/**
 * The tab's title while a page shows, as "<title> · Faro" (a count or a state
 * first, so it reads in a background tab); back to "Faro" when it leaves.
 */
export function usePageTitle(title: string | null): void {
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
