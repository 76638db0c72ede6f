import { useQuery } from '@tanstack/react-query';
import { useId } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import type { IncidentFacts as Facts } from '../../../shared/incident.js';
import { api } from '../../api.js';
import { useTimeFormat } from '../../time.js';

/**
 * What an approver judges an alert's incident by: its verdict and public facts
 * (zone, counts, rounded times) — never the reports, the channel or who was sent.
 */
export function IncidentFacts({
  alertId,
  headingId,
  onBoard,
}: {
  alertId: string;
  headingId?: string;
  /** The incident's id, for those who may open it on the board (a link there). */
  onBoard?: string;
}) {
  const { t } = useTranslation();
  const clock = useTimeFormat();
  const ownId = useId();
  const id = headingId ?? ownId;
  const facts = useQuery({
    queryKey: ['alert-incident', alertId],
    queryFn: () => api<{ incident: Facts | null }>(`/api/manage/alerts/${alertId}/incident`),
  });
  const incident = facts.data?.incident;
  if (!incident) return null;
  return (
    // The approver's link before deciding leads here (and moves focus here).
    <section aria-labelledby={`${id}-title`} data-testid="incident-facts" id={id} tabIndex={-1}>
      <h3 id={`${id}-title`}>{t('alerting.incident.title', { number: incident.number })}</h3>
      <dl className="salute">
        <dt>{t('alerting.incident.verdict')}</dt>
        <dd>{t(`dispatch.status.${incident.status}`)}</dd>
        <dt>{t('alerting.incident.activity')}</dt>
        <dd>{t(`report.activity.${incident.activity}`)}</dd>
        <dt>{t('alerting.zones')}</dt>
        <dd>{incident.zone?.name ?? '—'}</dd>
        <dt>{t('alerting.incident.reports')}</dt>
        <dd>
          {t('alerting.incident.reportCount', {
            count: incident.reportCount,
            firsthand: incident.firsthandCount,
          })}
        </dd>
        <dt>{t('alerting.incident.seen')}</dt>
        <dd>
          <time dateTime={incident.firstObservedAt}>{clock(incident.firstObservedAt)}</time> –{' '}
          <time dateTime={incident.lastObservedAt}>{clock(incident.lastObservedAt)}</time>
        </dd>
      </dl>
      {onBoard && (
        <p>
          <Link to={`/dispatch?incident=${onBoard}`}>
            {t('dispatch.openOnBoard', { number: incident.number })}
          </Link>
        </p>
      )}
    </section>
  );
}
