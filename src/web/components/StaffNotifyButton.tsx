import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../api.js';
import { browserPushSubscription, pushSupported } from '../push.js';

/**
 * Notifications on this device for staff: its push subscription registered
 * for the signed-in person (offers for a responder, missed safety check-ins
 * for a dispatcher).
 */
export function StaffNotifyButton({ ask, on }: { ask: string; on: string }) {
  const { t } = useTranslation();
  const [state, setState] = useState<'idle' | 'on' | 'failed'>('idle');
  const turnOn = async () => {
    try {
      const { pushKey } = await api<{ pushKey: string | null }>('/api/subscriptions/channels');
      if (!pushKey || !pushSupported()) return setState('failed');
      await api('/api/account/push', {
        method: 'POST',
        body: { subscription: await browserPushSubscription(pushKey) },
      });
      setState('on');
    } catch {
      setState('failed');
    }
  };
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
