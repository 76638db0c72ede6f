import { useQuery } from '@tanstack/react-query';
import { useId } from 'react';
import { useTranslation } from 'react-i18next';
import {
  ALERT_LANGUAGES,
  type AlertPreview,
  type AlertView,
  DELIVERY_CHANNELS,
  type RecipientCounts,
} from '../../../shared/alert.js';
import { directionOf } from '../../../shared/languages.js';
import { LANGUAGES } from '../../../shared/report-fields.js';
import { api } from '../../api.js';

/** What would leave, per language and channel (SMS with its cost), and the CAP document. */
export function Preview({ preview }: { preview: AlertPreview }) {
  const { t } = useTranslation();
  const id = useId();
  return (
    <section aria-labelledby={`${id}-title`} data-testid="alert-preview">
      <h3 id={`${id}-title`}>{t('alerting.preview')}</h3>
      {preview.languages.map((p) => (
        <div key={p.language} className="preview" lang={p.language} dir={directionOf(p.language)}>
          <h4>{t(`alerting.language.${p.language}`)}</h4>
          <p>
            <strong>{t('alerting.push')}:</strong> {p.push.title} — {p.push.body}
          </p>
          <p>
            <strong>{t('alerting.sms')}:</strong> {p.sms.text}
          </p>
          <p className="hint" data-testid={`sms-cost-${p.language}`}>
            {t('alerting.segments', p.sms)}
          </p>
          <p>
            <strong>{t('alerting.email')}:</strong> {p.email.subject}
          </p>
        </div>
      ))}
      <details>
        <summary>CAP 1.2</summary>
        <pre>{preview.cap}</pre>
      </details>
    </section>
  );
}

/**
 * Whom it would reach if approved now: a sentence with the total, then the
 * counts per channel and language (numbers only; the server gives no more).
 */
export function Recipients({ alertId, capStatus }: { alertId: string; capStatus: AlertView['capStatus'] }) {
  const { t } = useTranslation();
  const id = useId();
  const counts = useQuery({
    queryKey: ['alert-recipients', alertId],
    queryFn: () => api<RecipientCounts>(`/api/manage/alerts/${alertId}/recipients`),
  });
  const data = counts.data;
  // English and Spanish always; another language once someone chose it (they get English if the alert does not carry it).
  const columns = ALERT_LANGUAGES.filter(
    (language) => (LANGUAGES as readonly string[]).includes(language) || (data?.languages[language] ?? 0) > 0,
  );
  return (
    <section aria-labelledby={`${id}-title`} data-testid="recipients">
      <h3 id={`${id}-title`}>{t('alerting.recipients.title')}</h3>
      {counts.isError && <p className="error-summary">{t('alerting.recipients.error')}</p>}
      {data && (
        <>
          <p className="recipients-total" data-testid="recipients-total">
            <strong>{t('alerting.recipients.reach', { count: data.total })}</strong>
            {capStatus !== 'Actual' && ` ${t('alerting.recipients.staffOnly')}`}
          </p>
          {data.total === 0 ? (
            <p>{t('alerting.recipients.none')}</p>
          ) : (
            <div className="table-scroll">
              <table className="counts" data-testid="recipient-counts">
                <caption className="visually-hidden">{t('alerting.recipients.caption')}</caption>
                <thead>
                  <tr>
                    <th scope="col">{t('alerting.recipients.channel')}</th>
                    {columns.map((language) => (
                      <th key={language} scope="col">
                        {t(`alerting.language.${language}`)}
                      </th>
                    ))}
                    <th scope="col">{t('alerting.recipients.total')}</th>
                  </tr>
                </thead>
                <tbody>
                  {DELIVERY_CHANNELS.map((channel) => (
                    <tr key={channel} data-channel={channel}>
                      <th scope="row">{t(`alerting.${channel}`)}</th>
                      {columns.map((language) => (
                        <td key={language}>{data.channels[channel].languages[language]}</td>
                      ))}
                      <td>{data.channels[channel].total}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}
        </>
      )}
    </section>
  );
}

/** Once sent: how many have left, failed, or still wait, per channel — first on the page. */
export function DeliveryProgress({ view }: { view: AlertView }) {
  const { t } = useTranslation();
  const id = useId();
  const sum = (field: 'queued' | 'sent' | 'failed' | 'withdrawn') =>
    DELIVERY_CHANNELS.reduce((total, channel) => total + view.deliveries[channel][field], 0);
  const total = sum('queued') + sum('sent') + sum('failed');
  return (
    <section aria-labelledby={`${id}-title`} data-testid="delivery-progress">
      <h3 id={`${id}-title`}>{t('alerting.deliveries')}</h3>
      <p className="progress-line" role="status">
        {t('alerting.progress', { sent: sum('sent'), total, failed: sum('failed'), queued: sum('queued') })}
      </p>
      <div className="table-scroll">
        <table className="deliveries counts" data-testid="deliveries">
          <caption className="visually-hidden">{t('alerting.deliveries')}</caption>
          <thead>
            <tr>
              <th scope="col">{t('alerting.recipients.channel')}</th>
              <th scope="col">{t('alerting.queued')}</th>
              <th scope="col">{t('alerting.sentCount')}</th>
              <th scope="col">{t('alerting.failed')}</th>
              <th scope="col">{t('alerting.withdrawn')}</th>
            </tr>
          </thead>
          <tbody>
            {DELIVERY_CHANNELS.map((channel) => (
              <tr key={channel} data-channel={channel}>
                <th scope="row">{t(`alerting.${channel}`)}</th>
                <td>{view.deliveries[channel].queued}</td>
                <td>{view.deliveries[channel].sent}</td>
                <td>{view.deliveries[channel].failed}</td>
                <td>{view.deliveries[channel].withdrawn}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </section>
  );
}
