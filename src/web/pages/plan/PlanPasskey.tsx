import { startAuthentication, startRegistration } from '@simplewebauthn/browser';
import { useMutation } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../../api.js';
import { ErrorSummary } from '../../components/ErrorSummary.js';
import { useUndoCountdown } from './countdown.js';

/**
 * This phone holds a passkey of a plan: only that the start screen should offer the one-tap
 * button. No code, no PIN, nothing about the plan is kept on the phone.
 */
const HAS_PASSKEY = 'faro.plan.passkey';
const supported = () => typeof window !== 'undefined' && 'PublicKeyCredential' in window;
const remembered = () => {
  try {
    return localStorage.getItem(HAS_PASSKEY) === '1';
  } catch {
    return false;
  }
};
const remember = (yes: boolean) => {
  try {
    if (yes) localStorage.setItem(HAS_PASSKEY, '1');
    else localStorage.removeItem(HAS_PASSKEY);
  } catch {
    // Private browsing: the button is simply not offered next time.
  }
};

type Options<F extends (...args: never[]) => unknown> = Parameters<F>[0] extends { optionsJSON: infer O }
  ? O
  : never;

/** On the opened plan: put a passkey on this phone (or forget them all). */
export function PlanPasskeys({
  credentials,
  count,
}: {
  credentials: { code: string; pin: string };
  count: number;
}) {
  const { t, i18n } = useTranslation();
  const [passkeys, setPasskeys] = useState(count);
  const add = useMutation({
    mutationFn: async () => {
      const { challengeId, options } = await api<{
        challengeId: string;
        options: Options<typeof startRegistration>;
      }>('/api/plans/passkeys/options', {
        method: 'POST',
        body: { ...credentials, language: i18n.language === 'es' ? 'es' : 'en' },
      });
      const response = await startRegistration({ optionsJSON: options });
      await api('/api/plans/passkeys', { method: 'POST', body: { challengeId, response } });
    },
    onSuccess: () => {
      remember(true);
      setPasskeys((n) => n + 1);
    },
  });
  const removeAll = useMutation({
    mutationFn: () =>
      api<{ removed: number }>('/api/plans/passkeys/remove', { method: 'POST', body: credentials }),
    onSuccess: () => {
      remember(false);
      setPasskeys(0);
    },
  });
  if (!supported()) return null;
  return (
    <section className="plan-passkeys" aria-labelledby="plan-passkeys-title">
      <h2 id="plan-passkeys-title">{t('plan.passkeys.title')}</h2>
      <p className="hint">{t('plan.passkeys.hint')}</p>
      {passkeys > 0 && (
        <p data-testid="plan-passkey-count">{t('plan.passkeys.count', { count: passkeys })}</p>
      )}
      <button type="button" className="button block" disabled={add.isPending} onClick={() => add.mutate()}>
        {t('plan.passkeys.add')}
      </button>
      {add.isSuccess && (
        <p className="status-card" role="status">
          {t('plan.passkeys.added')}
        </p>
      )}
      {passkeys > 0 && (
        <button
          type="button"
          className="button block"
          disabled={removeAll.isPending}
          onClick={() => removeAll.mutate()}
        >
          {t('plan.passkeys.removeAll')}
        </button>
      )}
      <div aria-live="polite">
        <ErrorSummary
          error={add.error ?? removeAll.error}
          overrides={{ VALIDATION: t('plan.passkeys.failed'), NETWORK: t('plan.passkeys.failed') }}
        />
      </div>
    </section>
  );
}

/**
 * The start screen's one-tap button, on a phone that holds a plan's passkey: the phone's
 * fingerprint or screen lock signs, then UNDO_SECONDS to undo, then the plan is activated.
 */
export function PasskeyStart() {
  const { t } = useTranslation();
  const [offered] = useState(() => supported() && remembered());
  const activate = useMutation({
    mutationFn: (signed: { challengeId: string; response: unknown }) =>
      api<{ messages: number; test: boolean }>('/api/plans/passkey-activate', {
        method: 'POST',
        body: { ...signed, test: false },
      }),
  });
  const undo = useUndoCountdown<{ challengeId: string; response: unknown }>((signed) =>
    activate.mutate(signed),
  );
  const sign = useMutation({
    mutationFn: async () => {
      const { challengeId, options } = await api<{
        challengeId: string;
        options: Options<typeof startAuthentication>;
      }>('/api/plans/passkey-challenge', { method: 'POST' });
      return { challengeId, response: await startAuthentication({ optionsJSON: options }) };
    },
    onSuccess: (signed) => undo.start(signed),
  });
  if (!offered) return null;
  return (
    <div className="plan-passkey-start">
      {undo.left ? (
        <div className="plan-countdown" role="status">
          <p>{t('plan.activatingIn', { seconds: undo.left.seconds })}</p>
          <button type="button" className="button primary block plan-undo" onClick={undo.stop}>
            {t('plan.undo')}
          </button>
        </div>
      ) : (
        <button
          type="button"
          className="button danger block plan-activate"
          disabled={sign.isPending || activate.isPending}
          onClick={() => {
            activate.reset();
            sign.mutate();
          }}
        >
          {t('plan.passkeys.activate')}
        </button>
      )}
      <div aria-live="polite">
        {activate.data && (
          <p className="status-card" data-testid="plan-activated">
            {t('plan.activated', { count: activate.data.messages })}
          </p>
        )}
        <ErrorSummary
          error={sign.error ?? activate.error}
          overrides={{ NOT_FOUND: t('plan.passkeys.notFound') }}
        />
      </div>
    </div>
  );
}
