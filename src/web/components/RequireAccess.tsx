import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { Navigate, useLocation } from 'react-router';
import type { Permission } from '../../shared/permissions.js';
import { useSession } from '../session.js';

/** Sends a visitor who is not signed in to sign in, and says so when the role lacks the permission. */
export function RequireAccess(props: { permission?: Permission; children: ReactNode }) {
  const { t } = useTranslation();
  const location = useLocation();
  const session = useSession();
  if (session.isPending) return <p className="muted">{t('auth.working')}</p>;
  if (session.isError) return <p className="error-summary">{t('errors.codes.NETWORK')}</p>;
  if (session.data?.state !== 'signed_in') {
    // The whole address, so a linked part of a page (`/admin?section=zones`) opens after sign-in.
    const next = `${location.pathname}${location.search}`;
    return <Navigate to={`/signin?next=${encodeURIComponent(next)}`} replace />;
  }
  if (props.permission && !session.data.permissions.includes(props.permission)) {
    return (
      <section>
        <h1>{t('auth.denied.title')}</h1>
        <p>{t('auth.denied.body')}</p>
      </section>
    );
  }
  return <>{props.children}</>;
}
