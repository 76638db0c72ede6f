import { useCallback, useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../api.js';
import { currentLanguage } from '../i18n.js';
import { browserPushSubscription, pushSupported } from '../push.js';

/**
 * Notifications on this device for staff: its push subscription registered
 * for the signed-in person (offers for a responder, missed safety check-ins
 * for a dispatcher), with the app's language, which they are then written in.
 */
export function StaffNotifyButton({ ask, on }: { ask: string; on: string }) {
  const { t, i18n } = useTranslation();
  const [state, setState] = useState<'idle' | 'on' | 'failed'>('idle');
  const register = useCallback(async () => {
    const { pushKey } = await api<{ pushKey: string | null }>('/api/subscriptions/channels');
    if (!pushKey || !pushSupported()) return false;
    await api('/api/account/push', {
      method: 'POST',
      body: { subscription: await browserPushSubscription(pushKey), language: currentLanguage() },
    });
    return true;
  }, []);
  const turnOn = async () => {
    try {
      setState((await register()) ? 'on' : 'failed');
    } catch {
      setState('failed');
    }
  };
  // Switching the app's language once notifications are on switches theirs too.
  const registeredIn = useRef<string | null>(null);
  useEffect(() => {
    if (state !== 'on') return;
    if (registeredIn.current !== null && registeredIn.current !== i18n.language)
      register().catch(() => setState('failed'));
    registeredIn.current = i18n.language;
  }, [state, i18n.language, register]);
  if (state === 'on') return <p role="status">{on}</p>;
  return (
    <>
      <button type="button" className="button block" onClick={() => void turnOn()}>
        {ask}
      </button>
      {state === 'failed' && <p className="error-summary">{t('responder.notifyFailed')}</p>}
    </>
  );
}
