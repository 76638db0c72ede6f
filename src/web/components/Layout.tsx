import { useTranslation } from 'react-i18next';
import { Link, Outlet, useLocation } from 'react-router';
import { LANGUAGES } from '../../shared/report-fields.js';
import { currentLanguage, setLanguage } from '../i18n.js';

/** Header with the always-visible language switch, then the page. */
export function Layout() {
  const { t } = useTranslation();
  const wide = useLocation().pathname.startsWith('/dispatch');
  const active = currentLanguage();
  return (
    <>
      <a className="skip" href="#main">
        {t('app.skip')}
      </a>
      <header className="top">
        <Link to="/" className="brand">
          <span aria-hidden="true">◉</span> {t('app.name')}
        </Link>
        <nav aria-label={t('lang.label')} className="langs">
          {LANGUAGES.map((language) => (
            <button
              key={language}
              type="button"
              lang={language}
              aria-pressed={language === active}
              onClick={() => void setLanguage(language)}
            >
              {t(`lang.${language}`)}
            </button>
          ))}
        </nav>
      </header>
      <main id="main" className={wide ? 'wide' : 'narrow'}>
        <Outlet />
      </main>
    </>
  );
}
