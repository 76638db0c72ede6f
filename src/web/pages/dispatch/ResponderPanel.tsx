import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type { TFunction } from 'i18next';
import { useId } from 'react';
import { useTranslation } from 'react-i18next';
import type { Assignment, SuggestionList } from '../../../shared/dispatch.js';
import { api } from '../../api.js';
import { ErrorSummary } from '../../components/ErrorSummary.js';
import { availabilityMessage } from './availability.js';
import { detailKey } from './useLiveIncidents.js';

/** Who was sent to an incident, under the incident's key: every live event about it refreshes them. */
export const useAssignments = (incidentId: string) =>
  useQuery({
    queryKey: [...detailKey(incidentId), 'assignments'],
    queryFn: () => api<{ assignments: Assignment[] }>(`/api/incidents/${incidentId}/assignments`),
  });

/**
 * Who was sent to an incident and where each stands (refreshed by the live
 * board's events), how many are on shift and free, and the responders on
 * shift ranked for it, each with an Offer button — the first one the primary
 * action when sending someone is the next step.
 */
export function ResponderPanel({
  incidentId,
  canOffer,
  offerIsNext,
}: {
  incidentId: string;
  canOffer: boolean;
  offerIsNext: boolean;
}) {
  const { t } = useTranslation();
  const id = useId();
  const client = useQueryClient();
  const assignments = useAssignments(incidentId);
  const suggestions = useQuery({
    queryKey: [...detailKey(incidentId), 'suggestions'],
    queryFn: () => api<SuggestionList>(`/api/incidents/${incidentId}/suggestions`),
    enabled: canOffer,
  });
  // Offering (one responder, or a pair) and "reached, safe": each refreshes the incident's lists.
  const change = useMutation({
    mutationFn: ({ path, body }: { path: string; body?: unknown }) => api(path, { method: 'POST', body }),
    onSuccess: () => client.invalidateQueries({ queryKey: detailKey(incidentId) }),
  });
  const offer = (responderIds: string[]) =>
    change.mutate(
      responderIds.length === 2
        ? { path: `/api/incidents/${incidentId}/pairs`, body: { responderIds } }
        : { path: `/api/incidents/${incidentId}/assignments`, body: { responderId: responderIds[0] } },
    );
  const reachedSafe = (assignmentId: string) =>
    change.mutate({ path: `/api/assignments/${assignmentId}/reached-safe` });
  const list = assignments.data?.assignments ?? [];
  // "Nobody is on shift" only when nobody is: the suggestions leave out whoever was already asked.
  const availability = suggestions.data ? availabilityMessage(suggestions.data.onShift) : null;
  const names = new Map(suggestions.data?.suggestions.map((s) => [s.responder.id, s.responder.name]));
  return (
    <section aria-labelledby={`${id}-title`} data-testid="responders">
      <h3 id={`${id}-title`}>{t('assignments.title')}</h3>
      {list.length === 0 && <p className="muted">{t('assignments.none')}</p>}
      <ul className="assignments">
        {list.map((a) => (
          <li key={a.id} data-testid="assignment" data-state={a.state} data-safety={a.safety}>
            <strong>{a.responder.name}</strong> · {t(`assignments.states.${a.state}`)}
            {a.pairId && ` · ${t('assignments.inPair')}`}
            {a.outcome && ` · ${t(`responder.outcomes.${a.outcome}`)}`}
            {a.state === 'reported' && (
              <span className="muted scene" data-testid="scene-report">
                {' '}
                · {sceneLine(a, t)}
              </span>
            )}
            {a.safety !== 'ok' && (
              <span className="badge flag">
                {' '}
                ⚠ {t(`assignments.safety.${a.safety}`)}
                {a.escalated && ` · ${t('assignments.escalated')}`}
              </span>
            )}
            {a.safety !== 'ok' && a.state === 'on_scene' && canOffer && (
              <button type="button" className="button" onClick={() => reachedSafe(a.id)}>
                {t('assignments.reachedSafe')} <span className="visually-hidden">{a.responder.name}</span>
              </button>
            )}
          </li>
        ))}
      </ul>
      {canOffer && (
        <>
          <h4>{t('assignments.suggested')}</h4>
          {availability && (
            <p className="availability" data-testid="availability">
              {t(availability.key, availability.values)}
            </p>
          )}
          <ul className="suggestions">
            {suggestions.data?.suggestions.slice(0, 8).map((s, index) => (
              <li key={s.responder.id} data-testid="suggestion">
                <span>
                  {s.responder.name} ·{' '}
                  {s.km === null ? t('assignments.unknownKm') : t('assignments.km', { km: s.km })}
                  {s.reasons.length > 0 &&
                    ` · ${s.reasons.map((r) => t(`assignments.reasons.${r}`)).join(', ')}`}
                </span>{' '}
                <button
                  type="button"
                  className={`button${offerIsNext && index === 0 ? ' primary' : ''}`}
                  onClick={() => offer([s.responder.id])}
                >
                  {t('assignments.offer')} <span className="visually-hidden">{s.responder.name}</span>
                </button>
              </li>
            ))}
          </ul>
          {(suggestions.data?.pairs.length ?? 0) > 0 && (
            <>
              <h4>{t('assignments.pairs')}</h4>
              <ul className="suggestions">
                {suggestions.data?.pairs.slice(0, 3).map((pair) => {
                  const label = pair.map((who) => names.get(who) ?? '').join(' + ');
                  return (
                    <li key={pair.join()} data-testid="pair-suggestion">
                      <span>{label}</span>{' '}
                      <button type="button" className="button" onClick={() => offer(pair)}>
                        {t('assignments.offerPair')} <span className="visually-hidden">{label}</span>
                      </button>
                    </li>
                  );
                })}
              </ul>
            </>
          )}
        </>
      )}
      <ErrorSummary error={change.error} />
    </section>
  );
}

/** The on-scene report in one line: who was there, then what was seen (SALUTE). */
function sceneLine(a: Assignment, t: TFunction): string {
  const parts = a.present.map((p) => t(`responder.presentOptions.${p}`));
  const seen = a.salute;
  if (seen) {
    if (seen.agents !== undefined) parts.push(`${t('report.size.agents')}: ${seen.agents}`);
    if (seen.vehicles !== undefined) parts.push(`${t('report.size.vehicles')}: ${seen.vehicles}`);
    if (seen.activity) parts.push(t(`report.activity.${seen.activity}`));
    parts.push(...seen.uniforms.map((u) => t(`report.uniforms.${u}`)));
    parts.push(...seen.equipment.map((e) => t(`report.equipment.${e}`)));
  }
  return parts.join(' · ');
}
