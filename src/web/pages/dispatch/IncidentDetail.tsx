import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useEffect, useId, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate } from 'react-router';
import type { IncidentDetail as Detail, IncidentSummary } from '../../../shared/incident.js';
import { redFlagsOf, SETTABLE_INCIDENT_STATUSES } from '../../../shared/report-fields.js';
import { api } from '../../api.js';
import { ErrorSummary } from '../../components/ErrorSummary.js';
import { IncidentChannel } from '../../components/IncidentChannel.js';
import { useSession } from '../../session.js';
import { IncidentEvidence } from './IncidentEvidence.js';
import { IncidentSalute } from './IncidentSalute.js';
import { IncidentTimeline } from './IncidentTimeline.js';
import { nextStep } from './next-step.js';
import { ReportRow } from './ReportRow.js';
import { ResponderPanel, useAssignments } from './ResponderPanel.js';
import { Ago } from './time.js';
import { detailKey } from './useLiveIncidents.js';

/**
 * One incident, what matters first: what was reported (the consolidated
 * SALUTE view) and the verdict — the one the responders' reports point to is
 * the primary button, or else the next step is — then who was sent, what they
 * recorded (evidence, as facts) and the team's channel; below, its reports
 * (select some to split them out, or move one elsewhere), merging, notes and
 * the timeline of what dispatchers did.
 */
export function IncidentDetail({
  id,
  others,
  now,
  onSelect,
}: {
  id: string;
  /** The other incidents on the board: targets for a merge or a move. */
  others: readonly IncidentSummary[];
  now: number;
  onSelect: (id: string) => void;
}) {
  const { t } = useTranslation();
  const formId = useId();
  const queryClient = useQueryClient();
  const detail = useQuery({ queryKey: detailKey(id), queryFn: () => api<Detail>(`/api/incidents/${id}`) });
  // Presence: a heartbeat while this incident is open here, answered with who else has it open.
  const presence = useQuery({
    queryKey: ['presence', id],
    queryFn: () => api<{ viewers: { name: string }[] }>(`/api/incidents/${id}/presence`, { method: 'POST' }),
    refetchInterval: 15_000,
    refetchIntervalInBackground: true,
  });
  useEffect(
    () => () => {
      api(`/api/incidents/${id}/presence`, { method: 'DELETE' }).catch(() => undefined);
    },
    [id],
  );
  const viewers = presence.data?.viewers ?? [];
  const [picked, setPicked] = useState<ReadonlySet<string>>(new Set());
  const [mergeFrom, setMergeFrom] = useState('');
  const [moveTo, setMoveTo] = useState('');
  const [note, setNote] = useState('');
  const session = useSession().data;
  const navigate = useNavigate();
  const canAlert = session?.state === 'signed_in' && session.permissions.includes('alerts:compose');
  const canOffer = session?.state === 'signed_in' && session.permissions.includes('assignments:manage');
  const assignments = useAssignments(id);

  const action = useMutation({
    mutationFn: ({ path, body }: { path: string; body: unknown }) =>
      api<unknown>(path, { method: 'POST', body }),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: detailKey(id) }),
  });
  /** A change to the incident; what it refuses is shown from the mutation's error. */
  const act = (path: string, body: unknown, after?: () => void) =>
    action.mutateAsync({ path, body }).then(
      () => after?.(),
      () => undefined,
    );
  const busy = action.isPending;

  /** Not confirmed: the rumor check drafted from the incident and submitted for approval, one command. */
  const rumor = useMutation({
    mutationFn: () =>
      api<{ id: string }>('/api/manage/alerts/rumor-check', { method: 'POST', body: { incidentId: id } }),
    onSuccess: (alert) => {
      void navigate(`/alerting?alert=${alert.id}`);
    },
  });

  if (detail.isError) return <p className="error-summary">{t('dispatch.loadError')}</p>;
  if (!detail.data) return <p className="muted">{t('dispatch.loading')}</p>;
  const { incident, reports, timeline, salute } = detail.data;
  const flags = redFlagsOf(incident, new Date(now));
  const targets = others.filter((o) => o.id !== incident.id && o.status !== 'merged');
  const live = incident.status !== 'merged';

  const split = () =>
    act(`/api/incidents/${id}/split`, { reportIds: [...picked] }, () => setPicked(new Set()));
  // One command: all the picked reports move, or none (each is its own timeline entry on both incidents).
  const move = () =>
    act(`/api/incidents/${moveTo}/move-in`, { reportIds: [...picked] }, () => {
      setPicked(new Set());
      setMoveTo('');
    });
  const addNote = (event: FormEvent) => {
    event.preventDefault();
    if (note.trim()) void act(`/api/incidents/${id}/notes`, { text: note }, () => setNote(''));
  };

  const step = nextStep(incident.status, assignments.data?.assignments ?? [], {
    offer: canOffer,
    alert: canAlert,
  });
  const found = (assignments.data?.assignments ?? []).flatMap((a) =>
    a.state === 'reported' && a.outcome ? [t(`responder.outcomes.${a.outcome}`)] : [],
  );

  return (
    <article className="incident-detail" aria-labelledby={`${formId}-title`} data-testid="incident-detail">
      <header>
        <h2 id={`${formId}-title`}>
          #{incident.number} · {t(`report.activity.${incident.activity}`)} ·{' '}
          {incident.zone ? incident.zone.name : t('dispatch.noZone')}
        </h2>
        <p className="report-meta">
          <span className={`badge status-${incident.status}`}>{t(`dispatch.status.${incident.status}`)}</span>
          <span>{t('dispatch.count', { count: incident.reportCount })}</span>
          <span>
            {t('dispatch.firstSeen')}: <Ago iso={incident.firstObservedAt} now={now} />
          </span>
          <span>
            {t('dispatch.lastSeen')}: <Ago iso={incident.lastObservedAt} now={now} />
          </span>
          {flags.map((flag) => (
            <span key={flag} className="badge flag">
              ⚠ {t(`dispatch.flags.${flag}`)}
            </span>
          ))}
        </p>
        {viewers.length > 0 && (
          <p className="presence" data-testid="presence">
            <span aria-hidden="true">👁</span>{' '}
            {t('dispatch.alsoLooking', { names: viewers.map((v) => v.name).join(', ') })}
          </p>
        )}
        {incident.mergedInto && (
          <p>
            <button type="button" className="link" onClick={() => onSelect(incident.mergedInto ?? '')}>
              {t('dispatch.mergedInto')}
            </button>
          </p>
        )}
      </header>

      {/* What was reported first, then the verdict: what the rest of the page acts on. */}
      <section aria-labelledby={`${formId}-salute`} data-testid="salute-section">
        <h3 id={`${formId}-salute`}>{t('dispatch.salute.title')}</h3>
        <IncidentSalute salute={salute} />
      </section>

      <section aria-labelledby={`${formId}-verdict`} className="verdict" data-testid="verdict">
        <h3 id={`${formId}-verdict`}>{t('dispatch.verdict')}</h3>
        {found.length > 0 && <p data-testid="found">{t('dispatch.found', { outcomes: found.join(', ') })}</p>}
        {step.kind !== 'none' && step.kind !== 'verdict' && (
          <p className="next-step" data-testid="next-step">
            {t(`dispatch.next.${step.kind}`)}
          </p>
        )}
        {/* One line: what the latest attempt refused. */}
        {rumor.submittedAt > action.submittedAt ? (
          <ErrorSummary error={rumor.error} say={(message) => t('dispatch.rumorCheckFailed', { message })} />
        ) : (
          <ErrorSummary error={action.error} />
        )}
        {canAlert && incident.status === 'confirmed' && (
          <p>
            <Link to={`/alerting?incident=${incident.id}`} className="button primary">
              {t('dispatch.draftAlert')}
            </Link>
          </p>
        )}
        {canAlert && incident.status === 'not_confirmed' && (
          <p>
            <button
              type="button"
              className="button primary"
              disabled={rumor.isPending}
              onClick={() => rumor.mutate()}
            >
              {t('dispatch.rumorCheck')}
            </button>
          </p>
        )}
        {live && (
          <fieldset className="actions plain">
            <legend className="visually-hidden">{t('dispatch.setStatus')}</legend>
            {SETTABLE_INCIDENT_STATUSES.filter((s) => s !== incident.status).map((status) => (
              <button
                key={status}
                type="button"
                className={`button${step.kind === 'verdict' && step.status === status ? ' primary' : ''}`}
                disabled={busy}
                onClick={() => void act(`/api/incidents/${id}/status`, { status })}
              >
                {t(`dispatch.setTo.${status}`)}
              </button>
            ))}
            {canAlert && incident.status !== 'confirmed' && (
              <Link to={`/alerting?incident=${incident.id}`} className="button">
                {t('dispatch.draftAlert')}
              </Link>
            )}
          </fieldset>
        )}
      </section>

      {live && (
        <ResponderPanel incidentId={incident.id} canOffer={canOffer} offerIsNext={step.kind === 'offer'} />
      )}
      {/* What the responders recorded there: its facts (the originals are the legal team's). */}
      <IncidentEvidence incidentId={incident.id} now={now} />
      {live && (
        <IncidentChannel incidentId={incident.id} queryKey={[...detailKey(incident.id), 'messages']} />
      )}

      <h3>{t('dispatch.reports')}</h3>
      {live && reports.length > 1 && (
        <p className="actions">
          <button
            type="button"
            className="button"
            disabled={busy || picked.size === 0 || picked.size === reports.length}
            onClick={() => void split()}
          >
            {t('dispatch.split', { count: picked.size })}
          </button>
        </p>
      )}
      <ol className="reports">
        {reports.map((report) => (
          <ReportRow
            key={report.id}
            report={report}
            fresh={false}
            now={now}
            controls={
              live && (reports.length > 1 || targets.length > 0) ? (
                <label className="pick">
                  <input
                    type="checkbox"
                    checked={picked.has(report.id)}
                    onChange={(event) =>
                      setPicked((current) => {
                        const next = new Set(current);
                        if (event.target.checked) next.add(report.id);
                        else next.delete(report.id);
                        return next;
                      })
                    }
                  />
                  <span className="visually-hidden">{t('dispatch.pick', { receipt: report.receipt })}</span>
                </label>
              ) : null
            }
          />
        ))}
      </ol>

      {live && picked.size > 0 && targets.length > 0 && (
        <div className="merge">
          <label htmlFor={`${formId}-move`}>{t('dispatch.moveLabel', { count: picked.size })}</label>
          <select id={`${formId}-move`} value={moveTo} onChange={(e) => setMoveTo(e.target.value)}>
            <option value="">{t('dispatch.mergePlaceholder')}</option>
            {targets.map((other) => (
              <option key={other.id} value={other.id}>
                #{other.number} · {t(`report.activity.${other.activity}`)} ·{' '}
                {other.zone ? other.zone.name : t('dispatch.noZone')}
              </option>
            ))}
          </select>
          <button type="button" className="button" disabled={busy || !moveTo} onClick={() => void move()}>
            {t('dispatch.move')}
          </button>
        </div>
      )}

      {live && targets.length > 0 && (
        <div className="merge">
          <label htmlFor={`${formId}-merge`}>{t('dispatch.mergeLabel')}</label>
          <select id={`${formId}-merge`} value={mergeFrom} onChange={(e) => setMergeFrom(e.target.value)}>
            <option value="">{t('dispatch.mergePlaceholder')}</option>
            {targets.map((other) => (
              <option key={other.id} value={other.id}>
                #{other.number} · {t(`report.activity.${other.activity}`)} ·{' '}
                {other.zone ? other.zone.name : t('dispatch.noZone')} ·{' '}
                {t('dispatch.count', { count: other.reportCount })}
              </option>
            ))}
          </select>
          <button
            type="button"
            className="button"
            disabled={busy || !mergeFrom}
            onClick={() =>
              void act(`/api/incidents/${id}/merge`, { incidentIds: [mergeFrom] }, () => setMergeFrom(''))
            }
          >
            {t('dispatch.merge')}
          </button>
        </div>
      )}

      {live && (
        <form onSubmit={addNote} className="note-form">
          <label htmlFor={`${formId}-note`}>{t('dispatch.noteLabel')}</label>
          <textarea
            id={`${formId}-note`}
            rows={2}
            maxLength={2000}
            value={note}
            onChange={(e) => setNote(e.target.value)}
          />
          <button type="submit" className="button" disabled={busy || !note.trim()}>
            {t('dispatch.addNote')}
          </button>
        </form>
      )}

      <IncidentTimeline timeline={timeline} now={now} />
    </article>
  );
}
