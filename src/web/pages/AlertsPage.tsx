import { useMutation, useQuery } from '@tanstack/react-query';
import { useId, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useSearchParams } from 'react-router';
import { deliveredLanguage, type PublicAlert, textIn } from '../../shared/alert.js';
import { directionOf } from '../../shared/languages.js';
import { PAGE_QUERIES } from '../../shared/pages.js';
import { api } from '../api.js';
import { usePageLanguage } from '../language.js';
import { usePageTitle } from '../pageTitle.js';
import { useHydrated } from '../server-page.js';
import { useTimeFormat } from '../time.js';
import { useZones } from '../useZones.js';

/**
 * Alerts and rumor checks in force, by neighborhood, in the reader's
 * language: plain text and no map, readable on a cheap phone.
 */
export function AlertsPage() {
  const { t } = useTranslation();
  const id = useId();
  const pageLanguage = usePageLanguage();
  const clock = useTimeFormat();
  const hydrated = useHydrated();
  const [params] = useSearchParams();
  const [zoneId, setZoneId] = useState(params.get('zone') ?? '');
  const zones = useZones();
  const alerts = useQuery({
    queryKey: PAGE_QUERIES.publicAlerts(zoneId),
    queryFn: () => api<{ alerts: PublicAlert[] }>(`/api/alerts${zoneId ? `?zoneId=${zoneId}` : ''}`),
    refetchInterval: 60_000,
  });

  const count = alerts.data?.alerts.length ?? 0;
  usePageTitle(count > 0 ? t('titles.alertsCount', { count }) : t('titles.alerts'));

  return (
    <section>
      <h1>{t('alerts.title')}</h1>
      <p className="lead">{t('alerts.intro')}</p>
      {/* Without scripts the neighborhood is chosen with the button (a plain GET); with them, at once. */}
      <form method="get" action="/alerts" onSubmit={(e) => e.preventDefault()}>
        <label htmlFor={`${id}-zone`}>{t('alerts.zone')}</label>
        <select id={`${id}-zone`} name="zone" value={zoneId} onChange={(e) => setZoneId(e.target.value)}>
          <option value="">{t('alerts.allZones')}</option>
          {(zones.data?.zones ?? []).map((zone) => (
            <option key={zone.id} value={zone.id}>
              {zone.name}
            </option>
          ))}
        </select>
        {!hydrated && (
          <button type="submit" className="button">
            {t('alerts.show')}
          </button>
        )}
      </form>
      <div aria-live="polite">
        {alerts.isPending && <p>{t('alerts.loading')}</p>}
        {alerts.isError &&
          (alerts.data ? (
            // A page kept on the phone, opened without a connection: what it shows, and how old it is.
            <p className="pending" data-testid="alerts-offline">
              {t('alerts.offline', { time: clock(alerts.dataUpdatedAt, 'dateTime') })}
            </p>
          ) : (
            <p className="error-summary">{t('alerts.failed')}</p>
          ))}
        {alerts.data?.alerts.length === 0 && <p data-testid="no-alerts">{t('alerts.none')}</p>}
      </div>
      {alerts.data && !alerts.isError && (
        <p className="hint" data-testid="alerts-as-of">
          {t('alerts.asOf', { time: clock(alerts.dataUpdatedAt) })}
        </p>
      )}
      <ol className="alert-list">
        {alerts.data?.alerts.map((alert) => {
          // In the page's language when the alert carries it (issue 17), else English.
          const shown = deliveredLanguage(alert.content, pageLanguage);
          const text = textIn(alert.content, pageLanguage);
          return (
            <li
              key={alert.id}
              id={alert.id}
              className={`public-alert kind-${alert.kind}`}
              data-testid="public-alert"
            >
              <p className="alert-kind">{t(`alerts.kinds.${alert.kind}`)}</p>
              <div lang={shown} dir={directionOf(shown)}>
                <h2>{text.headline}</h2>
                <p>{text.body}</p>
                {text.instruction && <p className="instruction">{text.instruction}</p>}
              </div>
              <p className="hint">
                {alert.zones.map((z) => z.name).join(', ')} · {t('alerts.sent', { time: clock(alert.sent) })}{' '}
                · {t('alerts.expires', { time: clock(alert.expires) })}
              </p>
            </li>
          );
        })}
      </ol>
      <p>
        <Link className="button primary block" to="/subscribe">
          {t('alerts.subscribe')}
        </Link>
      </p>
      <p className="hint">
        <a href="/api/alerts/feed.atom">{t('alerts.feed')}</a>
      </p>
    </section>
  );
}

/** The link in every alert: stop alerts in one step. A button, so mail scanners opening links stop nothing. */
export function UnsubscribePage() {
  const { t } = useTranslation();
  const params = new URLSearchParams(window.location.search);
  const stop = useMutation({
    mutationFn: () =>
      api('/api/subscriptions/unsubscribe', {
        method: 'POST',
        body: { id: params.get('s') ?? '', token: params.get('t') ?? '' },
      }),
  });
  const state = stop.isSuccess ? 'done' : stop.isError ? 'invalid' : 'idle';
  return (
    <section aria-live="polite">
      <h1>{t('unsubscribe.title')}</h1>
      {state === 'idle' && (
        <>
          <p>{t('unsubscribe.intro')}</p>
          <button
            type="button"
            className="button primary block"
            disabled={stop.isPending}
            onClick={() => stop.mutate()}
          >
            {t('unsubscribe.button')}
          </button>
        </>
      )}
      {state === 'done' && <p>{t('unsubscribe.done')}</p>}
      {state === 'invalid' && <p className="error-summary">{t('unsubscribe.invalid')}</p>}
    </section>
  );
}
