import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, Outlet, useLocation } from 'react-router';
import { LANGUAGES } from '../../shared/report-fields.js';
import { usePageLanguage } from '../language.js';
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
  // The page's own language: on a rights page in Arabic neither English nor Spanish is the current one.
  const active = usePageLanguage();
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
      </header>
      <main id="main" className={wide ? 'wide' : 'narrow'}>
        <Outlet />
      </main>
    </>
  );
}
