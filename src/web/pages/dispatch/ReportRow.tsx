import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import type { ReportSummary } from '../../../shared/report.js';
import { Ago } from './time.js';

/** One report as the board shows it; `controls` are the dispatcher's actions on it. */
export function ReportRow({
  report,
  fresh,
  now,
  controls,
}: {
  report: ReportSummary;
  fresh: boolean;
  now: number;
  controls?: ReactNode;
}) {
  const { t } = useTranslation();
  const size = [
    report.size.agents !== null ? t('dispatch.agents', { count: report.size.agents }) : null,
    report.size.vehicles !== null ? t('dispatch.vehicles', { count: report.size.vehicles }) : null,
  ].filter(Boolean);
  return (
    <li className={`report ${fresh ? 'fresh' : ''}`} data-testid="report-row" data-report-id={report.id}>
      <div className="report-head">
        {controls}
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
      {report.photoIds.length > 0 && (
        <p className="thumbs">
          {report.photoIds.map((photoId, index) => (
            <a
              key={photoId}
              href={`/api/reports/${report.id}/photos/${photoId}`}
              target="_blank"
              rel="noreferrer"
            >
              <img
                src={`/api/reports/${report.id}/photos/${photoId}`}
                alt={t('dispatch.photo', { number: index + 1, receipt: report.receipt })}
                loading="lazy"
                height={96}
              />
            </a>
          ))}
        </p>
      )}
    </li>
  );
}
