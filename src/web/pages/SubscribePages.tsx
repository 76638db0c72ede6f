import { useMutation, useQuery } from '@tanstack/react-query';
import { type FormEvent, useEffect, useId, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useSearchParams } from 'react-router';
import { PAGE_QUERIES } from '../../shared/pages.js';
import { toE164 } from '../../shared/phone.js';
import type { SubscriptionView } from '../../shared/subscription.js';
import { ApiError, api } from '../api.js';
import { CheckboxGroup, RadioGroup } from '../components/Choices.js';
import { useLanguage } from '../language.js';
import { usePageTitle } from '../pageTitle.js';
import { prepareProofOfWork, takeProofOfWork } from '../pow.js';
import { browserPushSubscription, pushSupported } from '../push.js';
import { useZones } from '../useZones.js';

type Channel = 'email' | 'sms' | 'push';

type FormState =
  | 'idle'
  | 'sending'
  | 'sent'
  | 'invalid'
  | 'invalidSms'
  | 'failed'
  | 'unavailable'
  | 'pushUnsupported'
  | 'tooManyZones'
  | 'rateLimited'
  | 'smsNotServed'
  | 'pushService';

/** This browser cannot take notifications, or the server offers none: found before anything is sent. */
class PushUnsupported extends Error {}

/** What went wrong, in the words the page has for it. */
function failureOf(error: unknown, channel: Channel): FormState {
  if (error instanceof PushUnsupported) return 'pushUnsupported';
  if (!(error instanceof ApiError)) return channel === 'push' ? 'pushUnsupported' : 'failed';
  // Push is always offered: its only 503 is a push service that could not be checked just now.
  if (error.code === 'UNAVAILABLE') return channel === 'push' ? 'failed' : 'unavailable';
  if (error.code === 'RATE_LIMITED') return 'rateLimited';
  if (error.code !== 'VALIDATION') return 'failed';
  const field = error.fields[0]?.field;
  if (field === 'zoneIds' && error.details.maxZones) return 'tooManyZones';
  if (field === 'subscription.endpoint') return 'pushService';
  if (field === 'phone' && error.details.reason) return 'smsNotServed';
  return channel === 'sms' ? 'invalidSms' : 'invalid';
}

/** Ask for alerts about some zones by e-mail, SMS or notifications; the channel confirms first (double opt-in). */
/** The channels in the order they are offered. */
const CHANNEL_ORDER = ['email', 'sms', 'push'] as const;

export function SubscribePage() {
  const { t } = useTranslation();
  usePageTitle(t('titles.subscribe'));
  const id = useId();
  const zones = useZones();
  const offered = useQuery({
    queryKey: PAGE_QUERIES.subscriptionChannels,
    queryFn: () =>
      api<{ channels: Channel[]; pushKey: string | null; maxZones: number }>('/api/subscriptions/channels'),
  });
  const maxZones = offered.data?.maxZones ?? 10;
  const language = useLanguage();
  // Only what this server can send on (the server renders the page knowing it), the first of them chosen.
  const choices = CHANNEL_ORDER.filter((c) => offered.data?.channels.includes(c) ?? true);
  const [picked, setChannel] = useState<Channel | null>(null);
  const channel: Channel = picked && choices.includes(picked) ? picked : (choices[0] ?? 'push');
  const [address, setAddress] = useState('');
  const [phone, setPhone] = useState('');
  const [chosen, setChosen] = useState<string[]>([]);
  /** What the form found before sending: no zone, too many, an address or number that cannot be one. */
  const [invalid, setInvalid] = useState<FormState | null>(null);
  // The same security check as the report form, solved in the background while the form is filled.
  useEffect(prepareProofOfWork, []);

  const subscribe = useMutation({
    mutationFn: async (request: { channel: Channel; zoneIds: string[] }) => {
      const common = { zoneIds: request.zoneIds, language };
      let body: object;
      if (request.channel === 'push') {
        const key = offered.data?.pushKey;
        if (!key || !pushSupported()) throw new PushUnsupported();
        body = { channel: request.channel, subscription: await browserPushSubscription(key), ...common };
      } else {
        body =
          request.channel === 'sms'
            ? { channel: request.channel, phone, ...common }
            : { channel: request.channel, address, ...common };
      }
      const send = async () =>
        api('/api/subscriptions', { method: 'POST', body, headers: await takeProofOfWork() });
      // A security check that expired while the page was open is redone once, without asking.
      await send().catch((error: unknown) => {
        if (error instanceof ApiError && error.details.proofOfWork) return send();
        throw error;
      });
    },
  });

  const submit = (event: FormEvent) => {
    event.preventDefault();
    const found: FormState | null =
      chosen.length === 0
        ? channel === 'sms'
          ? 'invalidSms'
          : 'invalid'
        : chosen.length > maxZones
          ? 'tooManyZones'
          : channel === 'email' && !address.includes('@')
            ? 'invalid'
            : channel === 'sms' && !toE164(phone)
              ? 'invalidSms'
              : null;
    setInvalid(found);
    if (found) return subscribe.reset();
    subscribe.mutate({ channel, zoneIds: chosen });
  };
  const state: FormState =
    invalid ??
    (subscribe.isSuccess
      ? 'sent'
      : subscribe.isPending
        ? 'sending'
        : subscribe.isError
          ? failureOf(subscribe.error, subscribe.variables.channel)
          : 'idle');

  if (state === 'sent') {
    return (
      <section aria-live="polite">
        <h1>{t('subscribe.sentTitle')}</h1>
        <p>
          {channel === 'email'
            ? t('subscribe.sent')
            : channel === 'sms'
              ? t('subscribeChannels.smsSent')
              : t('subscribeChannels.pushSent')}
        </p>
      </section>
    );
  }
  return (
    <form onSubmit={submit} noValidate>
      <h1>{t('subscribe.title')}</h1>
      <p className="lead">{t('subscribe.intro')}</p>
      <RadioGroup
        legend={t('subscribeChannels.channel')}
        name="channel"
        value={channel}
        onChange={(value) => setChannel(value as Channel)}
        options={choices.map((c) => ({
          value: c,
          label: t(`subscribeChannels.${c}`),
        }))}
      />
      {channel === 'email' && (
        <>
          <label htmlFor={`${id}-address`}>{t('subscribe.address')}</label>
          <input
            id={`${id}-address`}
            type="email"
            autoComplete="email"
            value={address}
            onChange={(e) => setAddress(e.target.value)}
          />
        </>
      )}
      {channel === 'sms' && (
        <>
          <label htmlFor={`${id}-phone`}>{t('subscribeChannels.phone')}</label>
          <input
            id={`${id}-phone`}
            type="tel"
            autoComplete="tel"
            inputMode="tel"
            value={phone}
            onChange={(e) => setPhone(e.target.value)}
          />
        </>
      )}
      {channel === 'push' && <p className="hint">{t('subscribeChannels.pushHint')}</p>}
      <CheckboxGroup
        legend={t('subscribe.zones')}
        name="zones"
        options={(zones.data?.zones ?? []).map((z) => ({ value: z.id, label: z.name }))}
        values={chosen}
        onChange={setChosen}
      >
        <p className="hint">{t('subscribe.zonesHint', { count: maxZones })}</p>
      </CheckboxGroup>
      {state !== 'idle' && state !== 'sending' && (
        <p className="error-summary" role="alert">
          {state === 'invalidSms' ||
          state === 'pushUnsupported' ||
          state === 'smsNotServed' ||
          state === 'pushService'
            ? t(`subscribeChannels.${state}`)
            : state === 'tooManyZones'
              ? t('subscribe.errors.tooManyZones', { count: maxZones })
              : state === 'unavailable' && channel === 'sms'
                ? t('subscribeChannels.unavailableSms')
                : t(`subscribe.errors.${state}`)}
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
