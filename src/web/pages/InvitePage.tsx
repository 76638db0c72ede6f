import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useNavigate, useSearchParams } from 'react-router';
import type { SessionInfo } from '../../shared/access.js';
import { api } from '../api.js';
import { SignInSteps } from '../components/SignInSteps.js';
import { EmailField, Field, NewPasswordField, StepForm } from '../components/StepForm.js';
import { useSetSession } from '../session.js';

/** Accepting an invitation: the code, who you are, a password; then the authenticator. */
export function InvitePage() {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const [params] = useSearchParams();
  const setSession = useSetSession();
  const [session, setLocalSession] = useState<SessionInfo | null>(null);
  const [code, setCode] = useState(params.get('code') ?? '');
  const [email, setEmail] = useState('');
  const [displayName, setDisplayName] = useState('');
  const [password, setPassword] = useState('');
  const onSession = (next: SessionInfo) => {
    setLocalSession(next);
    setSession(next);
  };

  if (session) {
    return (
      <SignInSteps
        session={session}
        onSession={onSession}
        onSignedIn={() => navigate('/account', { replace: true })}
      />
    );
  }
  return (
    <StepForm
      title={t('auth.invite.title')}
      intro={<p>{t('auth.invite.intro')}</p>}
      submit={t('auth.invite.submit')}
      errors={{
        NOT_FOUND: t('auth.invite.notFound'),
        CONFLICT: t('auth.invite.conflict'),
        VALIDATION: t('auth.invite.invalid'),
      }}
      onSubmit={async () => {
        onSession(
          await api<SessionInfo>('/api/invitations/accept', {
            method: 'POST',
            body: { code, email, displayName, password },
          }),
        );
      }}
    >
      <Field name="code" label={t('auth.invite.code')} value={code} onChange={setCode} autoComplete="off" />
      <EmailField value={email} onChange={setEmail} />
      <Field
        name="name"
        label={t('auth.invite.name')}
        hint={t('auth.invite.nameHint')}
        autoComplete="nickname"
        value={displayName}
        onChange={setDisplayName}
      />
      <NewPasswordField value={password} onChange={setPassword} />
    </StepForm>
  );
}
