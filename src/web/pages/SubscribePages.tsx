import { useQuery } from '@tanstack/react-query';
import { type FormEvent, useEffect, useId, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useSearchParams } from 'react-router';
import type { SubscriptionView } from '../../shared/subscription.js';
import type { ZoneList } from '../../shared/zone.js';
import { ApiError, api } from '../api.js';
import { CheckboxGroup } from '../components/Choices.js';
import { currentLanguage } from '../i18n.js';

/** Ask for alerts about some zones by e-mail; a confirmation link is sent first. */
export function SubscribePage() {
  const { t } = useTranslation();
  const id = useId();
  const zones = useQuery({ queryKey: ['zones'], queryFn: () => api<ZoneList>('/api/zones') });
  const [address, setAddress] = useState('');
  const [chosen, setChosen] = useState<string[]>([]);
  const [state, setState] = useState<'idle' | 'sending' | 'sent' | 'invalid' | 'failed' | 'unavailable'>(
    'idle',
  );

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (!address.includes('@') || chosen.length === 0) return setState('invalid');
    setState('sending');
    try {
      await api('/api/subscriptions', {
        method: 'POST',
        body: { channel: 'email', address, zoneIds: chosen, language: currentLanguage() },
      });
      setState('sent');
    } catch (error) {
      setState(
        error instanceof ApiError && error.code === 'UNAVAILABLE'
          ? 'unavailable'
          : error instanceof ApiError && error.code === 'VALIDATION'
            ? 'invalid'
            : 'failed',
      );
    }
  };

  if (state === 'sent') {
    return (
      <section aria-live="polite">
        <h1>{t('subscribe.sentTitle')}</h1>
        <p>{t('subscribe.sent')}</p>
      </section>
    );
  }
  return (
    <form onSubmit={submit} noValidate>
      <h1>{t('subscribe.title')}</h1>
      <p className="lead">{t('subscribe.intro')}</p>
      <label htmlFor={`${id}-address`}>{t('subscribe.address')}</label>
      <input
        id={`${id}-address`}
        type="email"
        autoComplete="email"
        value={address}
        onChange={(e) => setAddress(e.target.value)}
      />
      <CheckboxGroup
        legend={t('subscribe.zones')}
        name="zones"
        options={(zones.data?.zones ?? []).map((z) => ({ value: z.id, label: z.name }))}
        values={chosen}
        onChange={setChosen}
      />
      {state !== 'idle' && state !== 'sending' && (
        <p className="error-summary" role="alert">
          {t(`subscribe.errors.${state}`)}
        </p>
      )}
      <button type="submit" className="button primary block" disabled={state === 'sending'}>
        {t('subscribe.submit')}
      </button>
      <p className="hint">{t('subscribe.privacy')}</p>
    </form>
  );
}

function SubscriptionDetails({ view }: { view: SubscriptionView }) {
  const { t } = useTranslation();
  return (
    <dl className="salute" data-testid="subscription">
      <dt>{t('subscribe.address')}</dt>
      <dd>{view.contact}</dd>
      <dt>{t('subscribe.zones')}</dt>
      <dd>{view.zones.map((z) => z.name).join(', ')}</dd>
      <dt>{t('subscribe.language')}</dt>
      <dd>{t(`lang.${view.language}`)}</dd>
      <dt>{t('subscribe.status')}</dt>
      <dd>{t(`subscribe.statuses.${view.status}`)}</dd>
    </dl>
  );
}

/** The confirmation link's page: turns the alerts on. */
export function ConfirmSubscriptionPage() {
  const { t } = useTranslation();
  const [params] = useSearchParams();
  const [view, setView] = useState<SubscriptionView | null>(null);
  const [failed, setFailed] = useState(false);
  const token = params.get('token') ?? '';
  useEffect(() => {
    api<SubscriptionView>('/api/subscriptions/confirm', { method: 'POST', body: { token } }).then(
      setView,
      () => setFailed(true),
    );
  }, [token]);
  return (
    <section aria-live="polite">
      <h1>{t('subscribe.confirmTitle')}</h1>
      {view && (
        <>
          <p>{t('subscribe.confirmed')}</p>
          <SubscriptionDetails view={view} />
        </>
      )}
      {failed && <p className="error-summary">{t('subscribe.errors.link')}</p>}
    </section>
  );
}

/** The manage link's page: see the subscription, delete it in one step. */
export function ManageSubscriptionPage() {
  const { t } = useTranslation();
  const [params] = useSearchParams();
  const token = params.get('token') ?? '';
  const [deleted, setDeleted] = useState(false);
  const view = useQuery({
    queryKey: ['subscription', token],
    queryFn: () => api<SubscriptionView>('/api/subscriptions/manage', { method: 'POST', body: { token } }),
    retry: false,
  });
  if (deleted) {
    return (
      <section aria-live="polite">
        <h1>{t('subscribe.deletedTitle')}</h1>
        <p>{t('subscribe.deleted')}</p>
      </section>
    );
  }
  return (
    <section>
      <h1>{t('subscribe.manageTitle')}</h1>
      {view.isError && <p className="error-summary">{t('subscribe.errors.link')}</p>}
      {view.data && (
        <>
          <SubscriptionDetails view={view.data} />
          <button
            type="button"
            className="button block"
            onClick={async () => {
              await api('/api/subscriptions/delete', { method: 'POST', body: { token } });
              setDeleted(true);
            }}
          >
            {t('subscribe.delete')}
          </button>
        </>
      )}
    </section>
  );
}
