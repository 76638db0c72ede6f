import { useTranslation } from 'react-i18next';
import type { IncidentDetail } from '../../../shared/incident.js';
import { Ago } from './time.js';

/** What dispatchers did to an incident, newest last: who, when, and any note. */
export function IncidentTimeline({ timeline, now }: { timeline: IncidentDetail['timeline']; now: number }) {
  const { t } = useTranslation();
  return (
    <>
      <h3>{t('dispatch.timeline')}</h3>
      {timeline.length === 0 ? (
        <p className="muted">{t('dispatch.noTimeline')}</p>
      ) : (
        <ol className="timeline" data-testid="timeline">
          {timeline.map((entry) => (
            <li key={entry.id}>
              <Ago iso={entry.at} now={now} /> · {entry.actor ?? '—'} ·{' '}
              {t(`dispatch.timelineKind.${entry.kind}`, {
                number: entry.otherIncident?.number ?? '?',
                status: entry.status ? t(`dispatch.status.${entry.status}`) : '',
              })}
              {entry.note && <p className="report-text">{entry.note}</p>}
            </li>
          ))}
        </ol>
      )}
    </>
  );
}
