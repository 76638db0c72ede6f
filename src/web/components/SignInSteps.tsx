import { startAuthentication } from '@simplewebauthn/browser';
import { useMutation } from '@tanstack/react-query';
import { type ReactNode, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { SessionInfo } from '../../shared/access.js';
import { ApiError, api } from '../api.js';
import { useErrorText } from '../errors.js';
import { Field, NewPasswordField, StepForm } from './StepForm.js';

/**
 * The steps after a password (or an accepted invitation): a new password if
 * one is required, then the authenticator — enrol one, or enter its code — and
 * the recovery codes once. Calls `onSignedIn` at the end.
 */
export function SignInSteps(props: {
  session: SessionInfo;
  onSession: (s: SessionInfo) => void;
  onSignedIn: () => void;
  /** Too many wrong codes ended this sign-in: the password must be entered again. */
  onRestart?: () => void;
}) {
  const { t } = useTranslation();
  const { session } = props;
  const [recoveryCodes, setRecoveryCodes] = useState<string[] | null>(null);

  useEffect(() => {
    if (session.state === 'signed_in' && !recoveryCodes) props.onSignedIn();
  }, [session.state, recoveryCodes, props.onSignedIn]);

  if (recoveryCodes) {
    return (
      <section>
        <h1>{t('auth.recovery.title')}</h1>
        <p>{t('auth.recovery.intro')}</p>
        <ol className="codes" data-testid="recovery-codes">
          {recoveryCodes.map((code) => (
            <li key={code} className="mono">
              {code}
            </li>
          ))}
        </ol>
        <button type="button" className="button primary block" onClick={props.onSignedIn}>
          {t('auth.recovery.done')}
        </button>
      </section>
    );
  }
  switch (session.state) {
    case 'password_change_required':
      return <NewPasswordStep onSession={props.onSession} />;
    case 'second_factor_enrolment_required':
      return (
        <EnrolStep
          onDone={(codes, next) => {
            setRecoveryCodes(codes);
            props.onSession(next);
          }}
        />
      );
    case 'second_factor_required':
      return (
        <CodeStep onSession={props.onSession} hasPasskey={session.hasPasskey} onRestart={props.onRestart} />
      );
    default:
      return null;
  }
}

/** Current password and a new one; the server signs out every other browser. */
export function ChangePasswordForm(props: {
  title: string;
  /** Its title's heading level (1 when the form is the page). */
  level?: 1 | 2 | 3;
  intro?: ReactNode;
  onChanged: (session: SessionInfo) => void;
  children?: ReactNode;
}) {
  const { t } = useTranslation();
  const [current, setCurrent] = useState('');
  const [next, setNext] = useState('');
  return (
    <StepForm
      title={props.title}
      level={props.level}
      intro={props.intro}
      submit={t('auth.newPassword.submit')}
      errors={{ UNAUTHENTICATED: t('auth.newPassword.wrong'), VALIDATION: t('auth.newPassword.invalid') }}
      onSubmit={async () => {
        const session = await api<SessionInfo>('/api/auth/password', {
          method: 'POST',
          body: { currentPassword: current, newPassword: next },
        });
        setCurrent('');
        setNext('');
        props.onChanged(session);
      }}
    >
      <Field
        name="current"
        label={t('auth.newPassword.current')}
        type="password"
        autoComplete="current-password"
        value={current}
        onChange={setCurrent}
      />
      <NewPasswordField value={next} onChange={setNext} />
      {props.children}
    </StepForm>
  );
}

function NewPasswordStep(props: { onSession: (s: SessionInfo) => void }) {
  const { t } = useTranslation();
  return (
    <ChangePasswordForm
      title={t('auth.newPassword.title')}
      intro={<p>{t('auth.newPassword.intro')}</p>}
      onChanged={props.onSession}
    />
  );
}

function EnrolStep(props: { onDone: (codes: string[], session: SessionInfo) => void }) {
  const { t } = useTranslation();
  const errorText = useErrorText();
  // Asking for a new secret is a write (it replaces any pending one): once, as the step opens.
  const enrol = useMutation({
    mutationFn: () => api<{ secret: string; qrSvg: string }>('/api/auth/totp-enrolment', { method: 'POST' }),
  });
  const [code, setCode] = useState('');
  // biome-ignore lint/correctness/useExhaustiveDependencies: only once, when the step opens.
  useEffect(() => enrol.mutate(), []);
  if (enrol.isError) return <p className="error-summary">{errorText(enrol.error)}</p>;
  const enrolment = enrol.data;
  if (!enrolment) return <p>{t('auth.working')}</p>;
  return (
    <StepForm
      title={t('auth.enrol.title')}
      intro={<p>{t('auth.enrol.intro')}</p>}
      submit={t('auth.enrol.submit')}
      errors={{ UNAUTHENTICATED: t('auth.code.wrong') }}
      onSubmit={async () => {
        const result = await api<{ recoveryCodes: string[]; session: SessionInfo }>(
          '/api/auth/totp-enrolment/confirm',
          {
            method: 'POST',
            body: { code },
          },
        );
        props.onDone(result.recoveryCodes, result.session);
      }}
    >
      <img
        className="qr"
        alt={t('auth.enrol.qrAlt')}
        src={`data:image/svg+xml;base64,${btoa(enrolment.qrSvg)}`}
        width={220}
        height={220}
      />
      <p>{t('auth.enrol.manual')}</p>
      <p className="mono secret" data-testid="totp-secret">
        {enrolment.secret}
      </p>
      <Field
        name="code"
        label={t('auth.code.label')}
        inputMode="numeric"
        autoComplete="one-time-code"
        value={code}
        onChange={setCode}
      />
    </StepForm>
  );
}

/** Whether the server ended the pending sign-in (too many wrong codes): start again from the password. */
const mustSignInAgain = (error: unknown) =>
  error instanceof ApiError && error.details.reason === 'sign_in_again';

function CodeStep(props: {
  onSession: (s: SessionInfo) => void;
  hasPasskey: boolean;
  onRestart?: (() => void) | undefined;
}) {
  const { t } = useTranslation();
  const errorText = useErrorText();
  /** Passes a failure on, unless it means starting again from the password. */
  const unlessRestarted = (error: unknown) => {
    if (mustSignInAgain(error) && props.onRestart) props.onRestart();
    else throw error;
  };
  const passkey = useMutation({
    mutationFn: async () => {
      const optionsJSON = await api<Parameters<typeof startAuthentication>[0]['optionsJSON']>(
        '/api/auth/second-factor/passkey/options',
        { method: 'POST' },
      );
      const response = await startAuthentication({ optionsJSON });
      return api<SessionInfo>('/api/auth/second-factor/passkey', { method: 'POST', body: response });
    },
    onSuccess: props.onSession,
    onError: (error) => {
      if (mustSignInAgain(error) && props.onRestart) props.onRestart();
    },
  });
  const [useRecovery, setUseRecovery] = useState(false);
  const [code, setCode] = useState('');
  return (
    <StepForm
      title={t('auth.code.title')}
      intro={<p>{useRecovery ? t('auth.code.recoveryIntro') : t('auth.code.intro')}</p>}
      submit={t('auth.code.submit')}
      errors={{ UNAUTHENTICATED: useRecovery ? t('auth.code.wrongRecovery') : t('auth.code.wrong') }}
      onSubmit={async () => {
        const path = useRecovery ? '/api/auth/second-factor/recovery' : '/api/auth/second-factor/totp';
        try {
          props.onSession(await api<SessionInfo>(path, { method: 'POST', body: { code } }));
        } catch (error) {
          unlessRestarted(error);
        }
      }}
    >
      <Field
        name="code"
        label={useRecovery ? t('auth.code.recoveryLabel') : t('auth.code.label')}
        inputMode={useRecovery ? 'text' : 'numeric'}
        autoComplete="one-time-code"
        value={code}
        onChange={setCode}
      />
      <button type="button" className="link" onClick={() => setUseRecovery(!useRecovery)}>
        {useRecovery ? t('auth.code.useApp') : t('auth.code.useRecovery')}
      </button>
      {props.hasPasskey && (
        <>
          <button type="button" className="button block" onClick={() => passkey.mutate()}>
            {t('auth.passkey.use')}
          </button>
          {passkey.isError && !(mustSignInAgain(passkey.error) && props.onRestart) && (
            <p className="error-summary" role="alert">
              {/* The browser's own refusals (cancelled, no passkey here) are not the server's. */}
              {passkey.error instanceof ApiError ? errorText(passkey.error) : t('auth.passkey.failed')}
            </p>
          )}
        </>
      )}
    </StepForm>
  );
}
