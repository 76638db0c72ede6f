import { useMutation, useQuery } from '@tanstack/react-query';
import type { TFunction } from 'i18next';
import { type FormEvent, useEffect, useId, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { AlertLanguage } from '../../../shared/alert.js';
import { LANGUAGE_FACTS } from '../../../shared/languages.js';
import { PAGE_QUERIES, type SubscribeFormField } from '../../../shared/pages.js';
import { toE164 } from '../../../shared/phone.js';
import { EMPTY_SUBSCRIBE_FORM, subscribeFieldOf, subscribeInputOf } from '../../../shared/subscribe-form.js';
import { ApiError, api } from '../../api.js';
import { CheckboxGroup, RadioGroup } from '../../components/Choices.js';
import { usePageLanguage } from '../../language.js';
import { usePageTitle } from '../../pageTitle.js';
import { prepareProofOfWork, takeProofOfWork } from '../../pow.js';
import { browserPushSubscription, pushSupported } from '../../push.js';
import { useServerPage } from '../../server-page.js';
import { useZones } from '../../useZones.js';

type Channel = 'email' | 'sms' | 'push';

/** The channels in the order they are offered. */
const CHANNEL_ORDER = ['email', 'sms', 'push'] as const;
const isChannel = (value: string): value is Channel => (CHANNEL_ORDER as readonly string[]).includes(value);

/** A field's problem that has a sentence of its own. */
type Reason = 'smsNotServed' | 'tooManyZones' | 'needsScripts' | 'pushUnsupported' | 'pushService';
/** Why nothing was sent when no field is to blame. */
type Failure = 'formLimited' | 'rateLimited' | 'refused' | 'unavailable' | 'failed';

interface Found {
  problems: SubscribeFormField[];
  reasons: Partial<Record<SubscribeFormField, Reason>>;
  failure: Failure | null;
}
const NOTHING: Found = { problems: [], reasons: {}, failure: null };

/** This browser cannot take notifications, or the server offers none: found before anything is sent. */
class PushUnsupported extends Error {}

/** What the server refused, as the form's fields or one sentence. */
function foundIn(error: unknown, channel: Channel): Found {
  const failure = (value: Failure): Found => ({ ...NOTHING, failure: value });
  const field = (key: SubscribeFormField, reason?: Reason): Found => ({
    problems: [key],
    reasons: reason ? { [key]: reason } : {},
    failure: null,
  });
  if (error instanceof PushUnsupported) return field('channel', 'pushUnsupported');
  if (!(error instanceof ApiError))
    return channel === 'push' ? field('channel', 'pushUnsupported') : failure('failed');
  // Push is always offered: its only 503 is a push service that could not be checked just now.
  if (error.code === 'UNAVAILABLE') return failure(channel === 'push' ? 'failed' : 'unavailable');
  if (error.code === 'RATE_LIMITED') return failure('rateLimited');
  if (error.code !== 'VALIDATION') return failure('failed');
  const key = subscribeFieldOf(error.fields[0]?.field ?? '');
  if (key === 'zones' && error.details.maxZones) return field('zones', 'tooManyZones');
  if (key === 'channel') return field('channel', 'pushService');
  if (key === 'phone' && error.details.reason) return field('phone', 'smsNotServed');
  return key ? field(key) : failure('failed');
}

/** The sentence for a field to fix, in the reader's language. */
function problemText(t: TFunction, key: SubscribeFormField, reason: Reason | undefined, maxZones: number) {
  if (reason === 'tooManyZones') return t('subscribe.errors.tooManyZones', { count: maxZones });
  if (reason === 'needsScripts') return t('subscribe.errors.needsScripts');
  if (reason) return t(`subscribeChannels.${reason}`);
  return t(`subscribe.errors.${key}`);
}

/**
 * Ask for alerts about some zones by e-mail, SMS or notifications; the
 * channel confirms first (double opt-in). The server renders it first, so
 * it is a plain HTML form that posts to /subscribe before (or without) any
 * script — e-mail and SMS then; notifications need the browser's scripts.
 * Once scripts run it sends with the proof of work.
 */
export function SubscribePage() {
  const { t } = useTranslation();
  const id = useId();
  const zones = useZones();
  const server = useServerPage();
  // The server's answer to a form posted without scripts: the form back with what to fix, or "sent".
  const answered = server.subscribe;
  const echo = answered && 'values' in answered ? answered : null;
  const start = echo?.values ?? EMPTY_SUBSCRIBE_FORM;
  const offered = useQuery({
    queryKey: PAGE_QUERIES.subscriptionChannels,
    queryFn: () =>
      api<{ channels: Channel[]; pushKey: string | null; maxZones: number; languages: AlertLanguage[] }>(
        '/api/subscriptions/channels',
      ),
  });
  const maxZones = offered.data?.maxZones ?? 10;
  // The languages alerts come in here (English, Spanish and the reviewed ones), the page's own first chosen.
  const pageLanguage = usePageLanguage();
  const languages = offered.data?.languages ?? ['en', 'es'];
  const [language, setLanguage] = useState<AlertLanguage>(
    (languages as string[]).includes(pageLanguage) ? pageLanguage : 'en',
  );
  // Only what this server can send on (the server renders the page knowing it), the first of them chosen.
  const choices = CHANNEL_ORDER.filter((c) => offered.data?.channels.includes(c) ?? true);
  const [picked, setChannel] = useState<Channel | null>(isChannel(start.channel) ? start.channel : null);
  const channel: Channel = picked && choices.includes(picked) ? picked : (choices[0] ?? 'push');
  const [address, setAddress] = useState(start.address);
  const [phone, setPhone] = useState(start.phone);
  const [chosen, setChosen] = useState<string[]>(start.zones);
  const [found, setFound] = useState<Found>(() =>
    echo ? { problems: echo.problems, reasons: echo.reasons ?? {}, failure: echo.failure ?? null } : NOTHING,
  );
  const errorSummary = useRef<HTMLDivElement>(null);
  const sentHeading = useRef<HTMLHeadingElement>(null);
  // The same security check as the report form, solved in the background while the form is filled.
  useEffect(prepareProofOfWork, []);

  const subscribe = useMutation({
    mutationFn: async (request: { channel: Channel; zoneIds: string[] }) => {
      let body: object;
      if (request.channel === 'push') {
        const key = offered.data?.pushKey;
        if (!key || !pushSupported()) throw new PushUnsupported();
        const subscription = await browserPushSubscription(key);
        body = { channel: 'push', subscription, zoneIds: request.zoneIds, language };
      } else {
        body = subscribeInputOf(
          { channel: request.channel, address, phone, zones: request.zoneIds },
          language,
        );
      }
      const send = async () =>
        api('/api/subscriptions', { method: 'POST', body, headers: await takeProofOfWork() });
      // A security check that expired while the page was open is redone once, without asking.
      await send().catch((error: unknown) => {
        if (error instanceof ApiError && error.details.proofOfWork) return send();
        throw error;
      });
    },
    onSuccess: () => requestAnimationFrame(() => sentHeading.current?.focus()),
    onError: (error, request) => show(foundIn(error, request.channel)),
  });

  const show = (next: Found) => {
    setFound(next);
    if (next.problems.length > 0) requestAnimationFrame(() => errorSummary.current?.focus());
  };

  const submit = (event: FormEvent) => {
    event.preventDefault();
    subscribe.reset();
    const local: Found = { problems: [], reasons: {}, failure: null };
    if (channel === 'email' && !address.includes('@')) local.problems.push('address');
    if (channel === 'sms' && !toE164(phone)) local.problems.push('phone');
    if (chosen.length === 0) local.problems.push('zones');
    else if (chosen.length > maxZones) {
      local.problems.push('zones');
      local.reasons.zones = 'tooManyZones';
    }
    show(local);
    if (local.problems.length === 0) subscribe.mutate({ channel, zoneIds: chosen });
  };

  const sentOn = subscribe.isSuccess ? channel : answered && 'sent' in answered ? answered.sent : null;
  const sentTitle =
    sentOn === 'sms'
      ? t('subscribeChannels.smsSentTitle')
      : sentOn === 'push'
        ? t('subscribeChannels.pushSentTitle')
        : t('subscribe.sentTitle');
  usePageTitle(
    sentOn ? sentTitle : found.problems.length > 0 ? t('titles.subscribeErrors') : t('titles.subscribe'),
  );

  if (sentOn) {
    return (
      <section aria-live="polite">
        <h1 tabIndex={-1} ref={sentHeading}>
          {sentTitle}
        </h1>
        <p data-testid="subscribe-sent">
          {sentOn === 'email'
            ? t('subscribe.sent')
            : sentOn === 'sms'
              ? t('subscribeChannels.smsSent')
              : t('subscribeChannels.pushSent')}
        </p>
      </section>
    );
  }

  const fieldId = (key: SubscribeFormField) => `${id}-${key}`;
  const errorId = (key: SubscribeFormField) => `${id}-${key}-error`;
  const problem = (key: SubscribeFormField) =>
    found.problems.includes(key) ? problemText(t, key, found.reasons[key], maxZones) : null;
  const fieldError = (key: SubscribeFormField) => {
    const text = problem(key);
    return text ? (
      <p className="field-error" id={errorId(key)}>
        {text}
      </p>
    ) : null;
  };
  const describedBy = (key: SubscribeFormField) => (problem(key) ? errorId(key) : undefined);
  // A text field's link goes to the field itself; a group's to its sentence, at the top of the group.
  const target = (key: SubscribeFormField) =>
    key === 'address' || key === 'phone' ? fieldId(key) : errorId(key);
  const sending = subscribe.isPending;

  return (
    // Without scripts the browser posts the form itself; the server answers with this page again.
    <form method="post" action="/subscribe" onSubmit={submit} noValidate className="subscribe-form">
      <h1>{t('subscribe.title')}</h1>
      <p className="lead">{t('subscribe.intro')}</p>
      <p>
        <label htmlFor={`${id}-language`}>{t('subscribe.alertLanguage')}</label>
        <select
          id={`${id}-language`}
          name="language"
          value={language}
          onChange={(event) => setLanguage(event.target.value as AlertLanguage)}
          data-testid="subscribe-language"
        >
          {languages.map((code) => (
            <option key={code} value={code} lang={LANGUAGE_FACTS[code].tag}>
              {LANGUAGE_FACTS[code].native}
            </option>
          ))}
        </select>
      </p>
      {found.problems.length > 0 && (
        <div className="error-summary" role="alert" tabIndex={-1} ref={errorSummary}>
          <h2>{t('subscribe.errors.title')}</h2>
          <ul>
            {found.problems.map((key) => (
              <li key={key}>
                <a href={`#${target(key)}`}>{problem(key)}</a>
              </li>
            ))}
          </ul>
        </div>
      )}
      <RadioGroup
        legend={t('subscribeChannels.channel')}
        name="channel"
        value={channel}
        onChange={(value) => setChannel(value as Channel)}
        options={choices.map((c) => ({ value: c, label: t(`subscribeChannels.${c}`) }))}
        error={fieldError('channel')}
        describedBy={describedBy('channel')}
      >
        {choices.includes('push') && (
          // Shown only by a browser with scripts off: a push subscription is made by the page's scripts.
          <noscript>
            <p className="hint">{t('subscribeChannels.noScripts')}</p>
          </noscript>
        )}
      </RadioGroup>
      {/* Every channel's field is in the page (scripts or not); the chosen one shows (styles.css). */}
      {choices.includes('email') && (
        <div className="channel-field channel-email">
          <label htmlFor={fieldId('address')}>{t('subscribe.address')}</label>
          {fieldError('address')}
          <input
            id={fieldId('address')}
            name="address"
            type="email"
            autoComplete="email"
            value={address}
            onChange={(e) => setAddress(e.target.value)}
            aria-describedby={describedBy('address')}
            aria-invalid={problem('address') ? true : undefined}
          />
        </div>
      )}
      {choices.includes('sms') && (
        <div className="channel-field channel-sms">
          <label htmlFor={fieldId('phone')}>{t('subscribeChannels.phone')}</label>
          {fieldError('phone')}
          <input
            id={fieldId('phone')}
            name="phone"
            type="tel"
            autoComplete="tel"
            inputMode="tel"
            value={phone}
            onChange={(e) => setPhone(e.target.value)}
            aria-describedby={describedBy('phone')}
            aria-invalid={problem('phone') ? true : undefined}
          />
        </div>
      )}
      {choices.includes('push') && (
        <div className="channel-field channel-push">
          <p className="hint">{t('subscribeChannels.pushHint')}</p>
        </div>
      )}
      <CheckboxGroup
        legend={t('subscribe.zones')}
        name="zones"
        options={(zones.data?.zones ?? []).map((z) => ({ value: z.id, label: z.name }))}
        values={chosen}
        onChange={setChosen}
        error={fieldError('zones')}
        describedBy={describedBy('zones')}
      >
        <p className="hint">{t('subscribe.zonesHint', { count: maxZones })}</p>
      </CheckboxGroup>
      {found.failure && (
        <p className="error-summary" role="alert">
          {found.failure === 'unavailable' && channel === 'sms'
            ? t('subscribeChannels.unavailableSms')
            : t(`subscribe.errors.${found.failure}`)}
        </p>
      )}
      <button type="submit" className="button primary block" disabled={sending}>
        {t('subscribe.submit')}
      </button>
      <p className="hint">{t('subscribe.privacy')}</p>
    </form>
  );
}
