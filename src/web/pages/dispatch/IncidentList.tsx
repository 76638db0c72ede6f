import { type KeyboardEvent, useRef } from 'react';
import { useTranslation } from 'react-i18next';
import type { IncidentSummary } from '../../../shared/incident.js';
import { incidentPriority } from '../../../shared/priority.js';
import { Ago } from './time.js';

const PRIORITY_ICON = { high: '▲', normal: '', low: '▽' } as const;

/** "Large: 15 agents, 4 vehicles", or null when nobody counted. */
export function sizeText(
  t: (key: string, values?: Record<string, unknown>) => string,
  priority: ReturnType<typeof incidentPriority>,
): string | null {
  if (priority.size === 'unknown') return null;
  const parts = [
    priority.agents === null ? null : t('dispatch.agents', { count: priority.agents }),
    priority.vehicles === null ? null : t('dispatch.vehicles', { count: priority.vehicles }),
  ].filter(Boolean);
  return t(`dispatch.sizeClass.${priority.size}`, { size: parts.join(', ') });
}

/**
 * The open incidents, most recently active first, each with its priority in
 * words (the rule is `incidentPriority`): high or low, its size, how fresh,
 * its red flags. Arrow keys (or j/k) move through the list and open the
 * incident under the cursor.
 */
export function IncidentList({
  incidents,
  selectedId,
  freshIds,
  now,
  onSelect,
}: {
  incidents: readonly IncidentSummary[];
  selectedId: string | null;
  freshIds: ReadonlySet<string>;
  now: number;
  onSelect: (id: string) => void;
}) {
  const { t } = useTranslation();
  const list = useRef<HTMLOListElement>(null);

  const onKeyDown = (event: KeyboardEvent) => {
    const step = { ArrowDown: 1, j: 1, ArrowUp: -1, k: -1 }[event.key];
    if (!step || incidents.length === 0) return;
    event.preventDefault();
    const index = incidents.findIndex((i) => i.id === selectedId);
    const next = incidents[Math.min(incidents.length - 1, Math.max(0, index + step))];
    if (!next) return;
    onSelect(next.id);
    list.current?.querySelector<HTMLButtonElement>(`[data-incident-id="${next.id}"]`)?.focus();
  };

  return (
    <ol className="incidents" ref={list} aria-label={t('dispatch.incidents')} onKeyDown={onKeyDown}>
      {incidents.map((incident) => {
        const priority = incidentPriority(incident, new Date(now));
        const { flags } = priority;
        const size = sizeText(t, priority);
        const selected = incident.id === selectedId;
        return (
          <li key={incident.id} className={freshIds.has(incident.id) ? 'fresh' : ''}>
            <button
              type="button"
              className={`incident priority-${priority.level} ${selected ? 'selected' : ''}`}
              aria-current={selected ? 'true' : undefined}
              data-testid="incident-row"
              data-incident-id={incident.id}
              data-priority={priority.level}
              onClick={() => onSelect(incident.id)}
            >
              {priority.level !== 'normal' && (
                <span className={`badge priority-badge ${priority.level}`} data-testid="priority">
                  <span aria-hidden="true">{PRIORITY_ICON[priority.level]}</span>{' '}
                  {t(`dispatch.priority.${priority.level}`)}
                </span>
              )}
              <span className="incident-head">
                <span className="mono">#{incident.number}</span>
                <strong>{t(`report.activity.${incident.activity}`)}</strong>
                <span className="zone">{incident.zone ? incident.zone.name : t('dispatch.noZone')}</span>
                <span className={`badge status-${incident.status}`}>
                  {t(`dispatch.status.${incident.status}`)}
                </span>
                {freshIds.has(incident.id) && <span className="badge new">{t('dispatch.new')}</span>}
              </span>
              <span className="report-meta">
                {size && (
                  <span className={`size size-${priority.size}`} data-testid="size">
                    {size}
                  </span>
                )}
                <span data-testid="report-count">{t('dispatch.count', { count: incident.reportCount })}</span>
                <span data-testid="freshness">
                  {t('dispatch.lastSeen')}: <Ago iso={incident.lastObservedAt} now={now} />
                </span>
              </span>
              {(incident.respondersActive > 0 || incident.safety !== 'ok') && (
                <span className="report-meta">
                  {incident.respondersActive > 0 && (
                    <span data-testid="responders-active">
                      {t('dispatch.respondersActive', { count: incident.respondersActive })}
                    </span>
                  )}
                  {incident.safety !== 'ok' && (
                    <span className="badge danger" data-testid="safety">
                      ⚠ {t(`assignments.safety.${incident.safety}`)}
                    </span>
                  )}
                </span>
              )}
              {flags.length > 0 && (
                <span className="flags">
                  {flags.map((flag) => (
                    <span key={flag} className="badge flag">
                      ⚠ {t(`dispatch.flags.${flag}`)}
                    </span>
                  ))}
                </span>
              )}
            </button>
          </li>
        );
      })}
    </ol>
  );
}
