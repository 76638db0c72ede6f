import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useNavigate, useSearchParams } from 'react-router';
import type { SessionInfo } from '../../shared/access.js';
import { safeNext } from '../../shared/safe-next.js';
import { api } from '../api.js';
import { SignInSteps } from '../components/SignInSteps.js';
import { EmailField, Field, StepForm } from '../components/StepForm.js';
import { useSession, useSetSession } from '../session.js';

export function SignInPage() {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const [params] = useSearchParams();
  const session = useSession();
  const setSession = useSetSession();
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const next = safeNext(params.get('next'));
  // Too many wrong codes ended the pending sign-in: back to the password, saying why.
  const [restarted, setRestarted] = useState(false);

  if (session.data) {
    return (
      <SignInSteps
        session={session.data}
        onSession={setSession}
        onSignedIn={() => navigate(next, { replace: true })}
        onRestart={() => {
          setSession(null);
          setPassword('');
          setRestarted(true);
        }}
      />
    );
  }
  return (
    <StepForm
      title={t('auth.signIn.title')}
      intro={
        <>
          {restarted && (
            <p className="error-summary" role="alert">
              {t('auth.code.tooMany')}
            </p>
          )}
          <p>{t('auth.signIn.intro')}</p>
        </>
      }
      submit={t('auth.signIn.submit')}
      errors={{ UNAUTHENTICATED: t('auth.signIn.wrong') }}
      onSubmit={async () => {
        setSession(
          await api<SessionInfo>('/api/auth/sign-in', { method: 'POST', body: { email, password } }),
        );
      }}
    >
      <EmailField value={email} onChange={setEmail} />
      <Field
        name="password"
        label={t('auth.signIn.password')}
        type="password"
        autoComplete="current-password"
        value={password}
        onChange={setPassword}
      />
    </StepForm>
  );
}
