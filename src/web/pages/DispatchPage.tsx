import { lazy, Suspense, useId, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useSearchParams } from 'react-router';
import type { IncidentSummary } from '../../shared/incident.js';
import type { IncidentStatus } from '../../shared/report-fields.js';
import { StaffNotifyButton } from '../components/StaffNotifyButton.js';
import { ThemeSwitch } from '../components/ThemeSwitch.js';
import { usePageTitle } from '../pageTitle.js';
import { useZones } from '../useZones.js';
import { ConnectionLost } from './dispatch/ConnectionLost.js';
import { IncidentDetail } from './dispatch/IncidentDetail.js';
import { IncidentList } from './dispatch/IncidentList.js';
import { useNow } from './dispatch/time.js';
import { type BoardFilter, type Connection, useLiveIncidents } from './dispatch/useLiveIncidents.js';

// The map library is large: it loads after the list, which has everything the map shows.
const IncidentMap = lazy(() => import('./dispatch/IncidentMap.js'));

const CONNECTION_ICON: Record<Connection, string> = { live: '●', connecting: '◌', offline: '✕' };

const STATUS_FILTERS: Record<string, readonly IncidentStatus[]> = {
  active: ['open', 'confirmed', 'not_confirmed'],
  open: ['open'],
  confirmed: ['confirmed'],
  closed: ['closed', 'not_confirmed'],
};

/** The incident board: live list of incidents on the left, the one being worked on at the right. */
export default function DispatchPage() {
  const { t } = useTranslation();
  const id = useId();
  const [statusFilter, setStatusFilter] = useState('active');
  const [zoneId, setZoneId] = useState('');
  // ?incident= opens one (a link from an alert); then the board keeps its own choice.
  const [params] = useSearchParams();
  const [selectedId, setSelectedId] = useState<string | null>(() => params.get('incident'));
  const filter: BoardFilter = { statuses: STATUS_FILTERS[statusFilter] ?? [], zoneId };
  const { query, incidents, connection, lostAt, freshIds } = useLiveIncidents(filter, selectedId);
  const zones = useZones();
  const now = useNow();
  usePageTitle(boardTitle(t, incidents, lostAt !== null));

  return (
    <section className="board">
      <div className="board-head">
        <h1>{t('dispatch.title')}</h1>
        <p className={`connection ${connection}`} role="status" data-testid="connection">
          <span aria-hidden="true">{CONNECTION_ICON[connection]}</span> {t(`dispatch.${connection}`)}
        </p>
        <p className="muted">{t('dispatch.incidentCount', { count: incidents.length })}</p>
        <div className="board-notify">
          <StaffNotifyButton ask={t('dispatch.notify')} on={t('dispatch.notifyOn')} />
        </div>
        <ThemeSwitch />
      </div>
      <div className="filters">
        <label htmlFor={`${id}-status`}>{t('dispatch.filterStatus')}</label>
        <select id={`${id}-status`} value={statusFilter} onChange={(e) => setStatusFilter(e.target.value)}>
          {Object.keys(STATUS_FILTERS).map((key) => (
            <option key={key} value={key}>
              {t(`dispatch.filters.${key}`)}
            </option>
          ))}
        </select>
        <label htmlFor={`${id}-zone`}>{t('dispatch.zone')}</label>
        <select id={`${id}-zone`} value={zoneId} onChange={(e) => setZoneId(e.target.value)}>
          <option value="">{t('dispatch.allZones')}</option>
          {zones.data?.zones.map((zone) => (
            <option key={zone.id} value={zone.id}>
              {zone.name}
            </option>
          ))}
        </select>
      </div>
      {lostAt !== null && <ConnectionLost since={lostAt} />}
      {query.isError && <p className="error-summary">{t('dispatch.loadError')}</p>}
      <SafetyBanner incidents={incidents} onSelect={setSelectedId} />
      <div className="board-panes">
        <div className="pane-list">
          <Suspense fallback={<div className="incident-map" />}>
            <IncidentMap incidents={incidents} selectedId={selectedId} onSelect={setSelectedId} />
          </Suspense>
          {query.isSuccess && incidents.length === 0 && <p className="muted">{t('dispatch.empty')}</p>}
          <IncidentList
            incidents={incidents}
            selectedId={selectedId}
            freshIds={freshIds}
            now={now}
            onSelect={setSelectedId}
          />
        </div>
        <div className="pane-detail">
          {selectedId ? (
            <IncidentDetail id={selectedId} others={incidents} now={now} onSelect={setSelectedId} />
          ) : (
            <p className="muted">{t('dispatch.pickOne')}</p>
          )}
        </div>
      </div>
    </section>
  );
}

/**
 * "(3) Board · Faro": how many incidents are still unverified, first, so a
 * background tab tells it; a responder in trouble and a lost connection before that.
 */
function boardTitle(
  t: (key: string) => string,
  incidents: readonly IncidentSummary[],
  lost: boolean,
): string {
  const open = incidents.filter((i) => i.status === 'open').length;
  const trouble = incidents.find((i) => i.safety !== 'ok');
  return [
    trouble ? `⚠ ${t(`assignments.safety.${trouble.safety}`)}` : null,
    `${open > 0 ? `(${open}) ` : ''}${t('dispatch.pageTitle')}`,
    lost ? t('dispatch.pageTitleOffline') : null,
  ]
    .filter(Boolean)
    .join(' · ');
}

/**
 * Responders in trouble, above everything, whatever incident is open: a
 * missed check-in or a call for help, each a button to its incident.
 */
function SafetyBanner({
  incidents,
  onSelect,
}: {
  incidents: readonly IncidentSummary[];
  onSelect: (id: string) => void;
}) {
  const { t } = useTranslation();
  const trouble = incidents.filter((i) => i.safety !== 'ok');
  return (
    <div
      role="alert"
      className={trouble.length > 0 ? 'safety-banner' : undefined}
      data-testid="safety-banner"
    >
      {trouble.map((incident) => (
        <button
          key={incident.id}
          type="button"
          className="button danger"
          onClick={() => onSelect(incident.id)}
        >
          ⚠ {t(`assignments.safety.${incident.safety}`)} · #{incident.number}
          {incident.zone ? ` · ${incident.zone.name}` : ''}
        </button>
      ))}
    </div>
  );
}
