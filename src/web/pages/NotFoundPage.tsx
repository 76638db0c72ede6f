import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { usePageTitle } from '../pageTitle.js';

/** A mistyped or old link: said plainly, in the person's language, with the ways on. */
export function NotFoundPage() {
  const { t } = useTranslation();
  usePageTitle(t('titles.notFound'));
  return (
    <section>
      <h1>{t('notFound.title')}</h1>
      <p className="lead">{t('notFound.body')}</p>
      <p>
        <Link className="button primary block" to="/report">
          {t('home.report')}
        </Link>
      </p>
      <p>
        <Link className="button block" to="/alerts">
          {t('home.alerts')}
        </Link>
      </p>
      <p>
        <Link to="/">{t('notFound.home')}</Link>
      </p>
    </section>
  );
}
