import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { Navigate, useLocation } from 'react-router';
import type { Permission } from '../../shared/permissions.js';
import { useSession } from '../session.js';

/**
 * Sends a visitor who is not signed in to sign in, and says so when the role lacks the permission
 * (any one of several, for a page whose parts need different ones).
 */
export function RequireAccess(props: {
  permission?: Permission | readonly Permission[];
  children: ReactNode;
}) {
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
  const needed = props.permission === undefined ? [] : ([] as Permission[]).concat(props.permission);
  const held = session.data.permissions;
  if (needed.length > 0 && !needed.some((permission) => held.includes(permission))) {
    return (
      <section>
        <h1>{t('auth.denied.title')}</h1>
        <p>{t('auth.denied.body')}</p>
      </section>
    );
  }
  return <>{props.children}</>;
}
