import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { usePageTitle } from '../pageTitle.js';

export function HomePage() {
  const { t } = useTranslation();
  usePageTitle(t('titles.home'));
  return (
    <section>
      <h1>{t('home.title')}</h1>
      <p className="lead">{t('home.intro')}</p>
      <p>
        <Link className="button primary block" to="/report">
          {t('home.report')}
        </Link>
      </p>
      <p>
        <Link className="button block" to="/status">
          {t('home.status')}
        </Link>
      </p>
      <p>
        <Link className="button block" to="/alerts">
          {t('home.alerts')}
        </Link>
      </p>
      <p>
        <Link className="button block" to="/subscribe">
          {t('home.subscribe')}
        </Link>
      </p>
      <p>
        {/* A plain link: the rights page may speak a language this page does not. */}
        <a className="button block" href="/rights">
          {t('home.rights')}
        </a>
      </p>
      <p>
        <Link className="button block" to="/plan">
          {t('home.plan')}
        </Link>
      </p>
      <p className="muted">
        <Link to="/dispatch">{t('home.dispatch')}</Link>
      </p>
    </section>
  );
}
