import { useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, Outlet, useLocation } from 'react-router';
import { directionOf, LANGUAGE_FACTS, PUBLIC_LANGUAGES, uiReviewed } from '../../shared/languages.js';
import { speaksEveryLanguage } from '../../shared/pages.js';
import { LANGUAGES } from '../../shared/report-fields.js';
import { useLanguageRule, usePageLanguage } from '../language.js';
import { useServerPage } from '../server-page.js';
import { useSession } from '../session.js';

/** This page's address in another language (`?lang=`, other parameters kept). */
function withLanguage(search: string, language: string): string {
  const params = new URLSearchParams(search);
  params.set('lang', language);
  return `?${params.toString()}`;
}

/** Header with the always-visible language switch, then the page. */
export function Layout() {
  const { t, i18n } = useTranslation();
  const location = useLocation();
  const path = location.pathname;
  const wide =
    path.startsWith('/dispatch') ||
    path.startsWith('/admin') ||
    path.startsWith('/hotline') ||
    path.startsWith('/field') ||
    path.startsWith('/alerting');
  // The page's own language: on a public page in Arabic neither English nor Spanish is the current one.
  const active = usePageLanguage();
  // A public page speaks the ten, a staff page English and Spanish: moving between them follows that.
  const everyLanguage = speaksEveryLanguage(path);
  useLanguageRule(path, everyLanguage);
  const { uiReviewed: reviewed } = useServerPage();
  const switcher = useRef<HTMLDetailsElement>(null);
  // The public pages never ask who you are; staff pages show it.
  const staffPage = [
    '/dispatch',
    '/admin',
    '/account',
    '/hotline',
    '/field',
    '/alerting',
    '/responder',
    '/evidence',
  ].some((p) => path.startsWith(p));
  const session = useSession(staffPage).data;
  const signedIn = staffPage && session?.state === 'signed_in' ? session : null;
  // Staff on a phone: one row, the links and languages behind "Menu" (styles.css, compact staff header).
  // Open on the page it was opened on: following a link closes it.
  const [menuOpenOn, setMenuOpenOn] = useState<string | null>(null);
  const menuOpen = menuOpenOn === path;
  return (
    <>
      <a className="skip" href="#main">
        {t('app.skip')}
      </a>
      <header className={signedIn ? 'top staff' : 'top'} data-menu={menuOpen ? 'open' : 'closed'}>
        <Link to="/" className="brand">
          <span aria-hidden="true">◉</span> {t('app.name')}
        </Link>
        {signedIn && (
          <button
            type="button"
            className="menu-toggle"
            aria-expanded={menuOpen}
            aria-controls="staff-nav staff-langs"
            onClick={() => setMenuOpenOn(menuOpen ? null : path)}
          >
            {t('nav.menu')}
          </button>
        )}
        {signedIn && (
          <nav id="staff-nav" aria-label={t('nav.staff')} className="staff-nav">
            {signedIn.permissions.includes('incidents:read') && (
              <Link to="/dispatch">{t('nav.dispatch')}</Link>
            )}
            {signedIn.permissions.includes('reports:intake') && <Link to="/hotline">{t('nav.hotline')}</Link>}
            {signedIn.permissions.includes('reports:field') &&
              !signedIn.permissions.includes('reports:intake') && <Link to="/field">{t('nav.field')}</Link>}
            {signedIn.permissions.includes('alerts:read') && <Link to="/alerting">{t('nav.alerting')}</Link>}
            {signedIn.permissions.includes('responders:self') && (
              <Link to="/responder">{t('nav.responder')}</Link>
            )}
            {signedIn.permissions.includes('evidence:legal') && (
              <Link to="/evidence">{t('nav.evidence')}</Link>
            )}
            {signedIn.permissions.includes('cases:work') && <Link to="/cases">{t('nav.cases')}</Link>}
            {(signedIn.permissions.includes('people:manage') ||
              signedIn.permissions.includes('rights:review')) && <Link to="/admin">{t('nav.admin')}</Link>}
            <Link to="/account">{signedIn.user.displayName}</Link>
          </nav>
        )}
        {everyLanguage ? (
          // The ten in their own scripts behind one button (a phone 320 px wide has room for one), and
          // plain links inside: it opens and picks without scripts, the server rendering the page in it.
          <details className="lang-switch" ref={switcher}>
            <summary>
              {/* A globe, drawn (a phone without an emoji font would show an empty box): found without reading. */}
              <svg aria-hidden="true" viewBox="0 0 20 20" width="20" height="20" className="lang-globe">
                <circle cx="10" cy="10" r="8.5" />
                <ellipse cx="10" cy="10" rx="3.8" ry="8.5" />
                <path d="M1.5 10h17M3 5.5h14M3 14.5h14" />
              </svg>
              <span className="visually-hidden">{t('lang.label')}: </span>
              <span lang={LANGUAGE_FACTS[active].tag}>{LANGUAGE_FACTS[active].native}</span>
            </summary>
            <nav aria-label={t('lang.label')}>
              <ul>
                {PUBLIC_LANGUAGES.map((language) => (
                  <li key={language}>
                    <a
                      href={withLanguage(location.search, language)}
                      lang={LANGUAGE_FACTS[language].tag}
                      hrefLang={LANGUAGE_FACTS[language].tag}
                      dir={directionOf(language)}
                      aria-current={language === active ? 'true' : undefined}
                      onClick={(event) => {
                        event.preventDefault();
                        if (switcher.current) switcher.current.open = false;
                        void i18n.changeLanguage(language);
                      }}
                    >
                      {LANGUAGE_FACTS[language].native}
                    </a>
                  </li>
                ))}
              </ul>
            </nav>
          </details>
        ) : (
          <nav id={signedIn ? 'staff-langs' : undefined} aria-label={t('lang.label')} className="langs">
            {LANGUAGES.map((language) => (
              // A link, so the switch works before (or without) scripts: the server renders the page in it.
              <a
                key={language}
                href={withLanguage(location.search, language)}
                lang={language}
                aria-current={language === active ? 'true' : undefined}
                onClick={(event) => {
                  event.preventDefault();
                  void i18n.changeLanguage(language);
                }}
              >
                {t(`lang.${language}`)}
              </a>
            ))}
          </nav>
        )}
      </header>
      <main id="main" className={wide ? 'wide' : 'narrow'}>
        {everyLanguage && !uiReviewed(active, reviewed) && (
          // As a rights text not yet reviewed says so (RightsPage), in the page's own language.
          <p className="rights-note draft ui-draft" data-testid="ui-draft">
            {t('app.notReviewed')}
          </p>
        )}
        <Outlet />
      </main>
    </>
  );
}
