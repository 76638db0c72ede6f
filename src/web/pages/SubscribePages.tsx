import { useMutation, useQuery } from '@tanstack/react-query';
import { useEffect } from 'react';
import { useTranslation } from 'react-i18next';
import { useSearchParams } from 'react-router';
import { LANGUAGE_FACTS } from '../../shared/languages.js';
import type { SubscriptionView } from '../../shared/subscription.js';
import { api } from '../api.js';

export { SubscribePage } from './subscribe/SubscribePage.js';

function SubscriptionDetails({ view }: { view: SubscriptionView }) {
  const { t } = useTranslation();
  return (
    <dl className="salute" data-testid="subscription">
      <dt>{t('subscribe.address')}</dt>
      <dd>{view.contact}</dd>
      <dt>{t('subscribe.zones')}</dt>
      <dd>{view.zones.map((z) => z.name).join(', ')}</dd>
      <dt>{t('subscribe.language')}</dt>
      {/* The language's name in its own script (every language a subscriber may choose). */}
      <dd lang={LANGUAGE_FACTS[view.language].tag}>{LANGUAGE_FACTS[view.language].native}</dd>
      <dt>{t('subscribe.status')}</dt>
      <dd>{t(`subscribe.statuses.${view.status}`)}</dd>
    </dl>
  );
}

/** The confirmation link's page: turns the alerts on. */
export function ConfirmSubscriptionPage() {
  const { t } = useTranslation();
  const [params] = useSearchParams();
  const token = params.get('token') ?? '';
  const confirm = useMutation({
    mutationFn: (link: string) =>
      api<SubscriptionView>('/api/subscriptions/confirm', { method: 'POST', body: { token: link } }),
  });
  const { mutate } = confirm;
  useEffect(() => mutate(token), [mutate, token]);
  const view = confirm.data;
  const failed = confirm.isError;
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
  const view = useQuery({
    queryKey: ['subscription', token],
    queryFn: () => api<SubscriptionView>('/api/subscriptions/manage', { method: 'POST', body: { token } }),
    retry: false,
  });
  const remove = useMutation({
    mutationFn: () => api('/api/subscriptions/delete', { method: 'POST', body: { token } }),
  });
  if (remove.isSuccess) {
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
            disabled={remove.isPending}
            onClick={() => remove.mutate()}
          >
            {t('subscribe.delete')}
          </button>
          {remove.isError && <p className="error-summary">{t('subscribe.errors.failed')}</p>}
        </>
      )}
    </section>
  );
}
