import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { ReportSummary } from '../../shared/report.js';
import { currentLanguage } from '../i18n.js';
import { type Connection, useLiveReports } from './useLiveReports.js';

const CONNECTION_ICON: Record<Connection, string> = { live: '●', connecting: '◌', offline: '✕' };

/** Re-renders every 30 s so "5 min ago" stays true on a board left open all night. */
function useNow(intervalMs = 30_000) {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), intervalMs);
    return () => clearInterval(timer);
  }, [intervalMs]);
  return now;
}

function Ago({ iso, now }: { iso: string; now: number }) {
  const { t } = useTranslation();
  const minutes = Math.max(0, Math.floor((now - new Date(iso).getTime()) / 60_000));
  const clock = new Intl.DateTimeFormat(currentLanguage(), { timeStyle: 'short' }).format(new Date(iso));
  return (
    <time dateTime={iso} title={new Date(iso).toLocaleString(currentLanguage())}>
      {clock} · {minutes < 1 ? t('time.justNow') : t('time.minutesAgo', { count: minutes })}
    </time>
  );
}

function ReportRow({ report, fresh, now }: { report: ReportSummary; fresh: boolean; now: number }) {
  const { t } = useTranslation();
  const size = [
    report.size.agents !== null ? t('dispatch.agents', { count: report.size.agents }) : null,
    report.size.vehicles !== null ? t('dispatch.vehicles', { count: report.size.vehicles }) : null,
  ].filter(Boolean);
  return (
    <li className={`report ${fresh ? 'fresh' : ''}`} data-testid="report-row" data-report-id={report.id}>
      <div className="report-head">
        <strong>{t(`report.activity.${report.activity}`)}</strong>
        <span className="zone">{report.zone ? report.zone.name : t('dispatch.noZone')}</span>
        {fresh && <span className="badge new">{t('dispatch.new')}</span>}
        {!report.firsthand && <span className="badge flag">⚠ {t('dispatch.secondHand')}</span>}
        {report.hasExactLocation && <span className="badge">⌖ {t('dispatch.exactLocation')}</span>}
      </div>
      <div className="report-meta">
        <span>
          {t('dispatch.observed')}: <Ago iso={report.observedAt} now={now} />
        </span>
        <span>
          {t('dispatch.received')}: <Ago iso={report.receivedAt} now={now} />
        </span>
        <span>{size.length > 0 ? size.join(', ') : t('dispatch.unknownSize')}</span>
        <span>{t(`dispatch.channel.${report.channel}`)}</span>
        <span>
          {t('dispatch.language')}: {t(`lang.${report.language}`)}
        </span>
        <span className="mono">
          {t('dispatch.receipt')} {report.receipt}
        </span>
      </div>
      {(report.uniforms.length > 0 || report.equipment.length > 0 || report.markings) && (
        <div className="report-meta">
          {report.uniforms.length > 0 && (
            <span>
              {t('dispatch.uniforms')}: {report.uniforms.map((u) => t(`report.uniforms.${u}`)).join(', ')}
              {report.markings ? ` (${report.markings})` : ''}
            </span>
          )}
          {report.equipment.length > 0 && (
            <span>
              {t('dispatch.equipment')}: {report.equipment.map((e) => t(`report.equipment.${e}`)).join(', ')}
            </span>
          )}
        </div>
      )}
      {report.place && (
        <p className="report-text">
          <span className="muted">{t('dispatch.place')}:</span> {report.place}
        </p>
      )}
      {report.description && <p className="report-text">{report.description}</p>}
    </li>
  );
}

export default function DispatchPage() {
  const { t } = useTranslation();
  const { query, reports, connection, freshIds } = useLiveReports();
  const now = useNow();
  return (
    <section className="board">
      <div className="board-head">
        <h1>{t('dispatch.title')}</h1>
        <p className={`connection ${connection}`} role="status" data-testid="connection">
          <span aria-hidden="true">{CONNECTION_ICON[connection]}</span> {t(`dispatch.${connection}`)}
        </p>
        <p className="muted">{t('dispatch.count', { count: reports.length })}</p>
      </div>
      {query.isError && <p className="error-summary">{t('dispatch.loadError')}</p>}
      {query.isSuccess && reports.length === 0 && <p className="muted">{t('dispatch.empty')}</p>}
      <ol className="reports" aria-label={t('dispatch.title')}>
        {reports.map((report) => (
          <ReportRow key={report.id} report={report} fresh={freshIds.has(report.id)} now={now} />
        ))}
      </ol>
      {query.hasNextPage && (
        <button
          type="button"
          className="button"
          onClick={() => void query.fetchNextPage()}
          disabled={query.isFetchingNextPage}
        >
          {t('dispatch.loadMore')}
        </button>
      )}
    </section>
  );
}
