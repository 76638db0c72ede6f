import { useMutation } from '@tanstack/react-query';
import { useEffect, useRef, useState } from 'react';
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
  const [registered, setRegistered] = useState(false);
  // This device's subscription, registered (again) in the app's language; false where push is not offered.
  const registration = useMutation({
    mutationFn: async () => {
      const { pushKey } = await api<{ pushKey: string | null }>('/api/subscriptions/channels');
      if (!pushKey || !pushSupported()) return false;
      await api('/api/account/push', {
        method: 'POST',
        body: { subscription: await browserPushSubscription(pushKey), language: currentLanguage() },
      });
      return true;
    },
    onSuccess: setRegistered,
    onError: () => setRegistered(false),
  });
  const state = registered ? 'on' : registration.isError || registration.data === false ? 'failed' : 'idle';
  // Switching the app's language once notifications are on switches theirs too.
  const registeredIn = useRef<string | null>(null);
  const { mutate } = registration;
  useEffect(() => {
    if (state !== 'on') return;
    if (registeredIn.current !== null && registeredIn.current !== i18n.language) mutate();
    registeredIn.current = i18n.language;
  }, [state, i18n.language, mutate]);
  if (state === 'on') return <p role="status">{on}</p>;
  return (
    <>
      <button type="button" className="button block" onClick={() => registration.mutate()}>
        {ask}
      </button>
      {state === 'failed' && <p className="error-summary">{t('responder.notifyFailed')}</p>}
    </>
  );
}
