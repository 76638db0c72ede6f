import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useNavigate } from 'react-router';
import { api } from '../api.js';
import { ErrorSummary } from '../components/ErrorSummary.js';
import { PasskeySection } from '../components/PasskeySection.js';
import { ChangePasswordForm } from '../components/SignInSteps.js';
import { ThemeSwitch } from '../components/ThemeSwitch.js';
import { usePageTitle } from '../pageTitle.js';
import { useSession, useSetSession } from '../session.js';
import { useTimeFormat } from '../time.js';

interface SessionRow {
  id: string;
  agent: string;
  createdAt: string;
  lastSeenAt: string;
  current: boolean;
}

/** Your account: who you are, where you are signed in, your password. */
export default function AccountPage() {
  const { t } = useTranslation();
  const when = useTimeFormat();
  const navigate = useNavigate();
  const session = useSession().data;
  const setSession = useSetSession();
  const client = useQueryClient();
  const sessions = useQuery({
    queryKey: ['account-sessions'],
    queryFn: () => api<{ sessions: SessionRow[] }>('/api/account/sessions'),
  });
  const [changed, setChanged] = useState(false);
  usePageTitle(t('account.title'));

  const signOut = useMutation({
    mutationFn: (everywhere: boolean) => api('/api/auth/sign-out', { method: 'POST', body: { everywhere } }),
    onSuccess: () => {
      setSession(null);
      client.clear();
      void navigate('/signin', { replace: true });
    },
  });
  const endSession = useMutation({
    mutationFn: (id: string) => api(`/api/account/sessions/${id}/sign-out`, { method: 'POST' }),
    onSuccess: () => sessions.refetch(),
  });

  if (!session) return null;
  return (
    <section>
      <h1>{t('account.title')}</h1>
      <ThemeSwitch />
      {/* A long address wraps: nothing on this page is wider than a small phone. */}
      <p className="break">
        <strong>{session.user.displayName}</strong> · {session.user.email}
      </p>
      <p>
        {t('account.roles')}: {session.roles.map((role) => t(`roles.${role}`)).join(', ')}
      </p>

      <h2>{t('account.sessions')}</h2>
      <ul className="plain break">
        {sessions.data?.sessions.map((row) => (
          <li key={row.id}>
            {row.agent} —{' '}
            {row.current
              ? t('account.thisBrowser')
              : t('account.lastSeen', { time: when(row.lastSeenAt, 'dateTime') })}{' '}
            {!row.current && (
              <button type="button" className="link" onClick={() => endSession.mutate(row.id)}>
                {t('account.endSession')}
              </button>
            )}
          </li>
        ))}
      </ul>
      <ErrorSummary error={endSession.error} />
      <p>
        <button type="button" className="button" onClick={() => signOut.mutate(false)}>
          {t('account.signOut')}
        </button>{' '}
        <button type="button" className="button" onClick={() => signOut.mutate(true)}>
          {t('account.signOutEverywhere')}
        </button>
      </p>
      <ErrorSummary error={signOut.error} />

      <PasskeySection />

      <ChangePasswordForm
        title={t('account.changePassword')}
        level={2}
        onChanged={(next) => {
          setSession(next);
          setChanged(true);
        }}
      >
        {changed && <p role="status">{t('account.passwordChanged')}</p>}
      </ChangePasswordForm>
    </section>
  );
}
