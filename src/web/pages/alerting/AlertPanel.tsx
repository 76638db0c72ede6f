import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useId, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { AlertPreview, AlertView } from '../../../shared/alert.js';
import type { Permission } from '../../../shared/permissions.js';
import { api } from '../../api.js';
import { ErrorSummary } from '../../components/ErrorSummary.js';
import type { EditorStart } from './AlertEditor.js';
import { DeliveryProgress, Preview, Recipients } from './AlertSections.js';
import { findingText } from './findings.js';
import { IncidentFacts } from './IncidentFacts.js';

export const alertKey = (id: string) => ['alert', id];

/** Test and exercise alerts wear their status everywhere, in large type. */
export function StatusBadge({ status }: { status: AlertView['capStatus'] }) {
  const { t } = useTranslation();
  return <span className={`badge cap-${status}`}>{t(`alerting.statusBadge.${status}`)}</span>;
}

/**
 * One alert, in the order a person decides on it: what the guard found, then
 * what would leave on each channel (the preview), whom it reaches (counts
 * per channel and language, for the approver) and a link to its incident's
 * facts — and only then approve or send back. Once sent: delivery progress
 * first, the follow-ups next, and the cancel last and plainly secondary,
 * with a confirm step.
 */
export function AlertPanel({
  id,
  permissions,
  onEdit,
  onOpen,
}: {
  id: string;
  permissions: readonly Permission[];
  onEdit: (start: EditorStart) => void;
  onOpen: (id: string) => void;
}) {
  const { t } = useTranslation();
  const formId = useId();
  const client = useQueryClient();
  const [reason, setReason] = useState('');
  const [confirmingCancel, setConfirmingCancel] = useState(false);
  // The question replaces the button that asked it: focus goes to the answer that changes nothing.
  const keep = useRef<HTMLButtonElement>(null);
  useEffect(() => {
    if (confirmingCancel) keep.current?.focus();
  }, [confirmingCancel]);
  const alert = useQuery({
    queryKey: alertKey(id),
    queryFn: () => api<AlertView>(`/api/manage/alerts/${id}`),
    // Live delivery progress while messages are still going out.
    refetchInterval: (query) => {
      const data = query.state.data;
      const pending = data ? Object.values(data.deliveries).some((c) => c.queued > 0) : false;
      return data?.state === 'published' && (pending || !data.queuedAt) ? 1000 : false;
    },
  });
  const view = alert.data;
  const preview = useQuery({
    queryKey: ['alert-preview', id, view?.contentHash, view?.content],
    queryFn: () => api<AlertPreview>(`/api/manage/alerts/${id}/preview`),
    enabled: !!view && view.findings.length === 0,
  });
  const step = useMutation({
    mutationFn: ({ path, body }: { path: string; body?: unknown }) =>
      api<AlertView>(`/api/manage/alerts/${id}/${path}`, { method: 'POST', body }),
    onSuccess: async (result) => {
      setConfirmingCancel(false);
      client.setQueryData(alertKey(result.id), result);
      await client.invalidateQueries({ queryKey: ['alerts'] });
      await client.invalidateQueries({ queryKey: alertKey(id) });
      if (result.id !== id) onOpen(result.id);
    },
  });
  if (!view) return null;
  const can = (permission: Permission) => permissions.includes(permission);

  const act = (path: string, body?: unknown, confirmText?: string) => {
    if (confirmText && !window.confirm(confirmText)) return;
    step.mutate({ path, body });
  };
  const active = view.state === 'published' && !view.endedAt && view.kind !== 'cancel';
  const approving = view.state === 'submitted' && can('alerts:approve');
  const factsId = `incident-facts-${view.id}`;
  return (
    <article
      className={`alert-panel status-${view.capStatus}`}
      aria-labelledby={`${formId}-title`}
      data-testid="alert-panel"
    >
      <h2 id={`${formId}-title`}>
        <StatusBadge status={view.capStatus} /> {view.content.en.headline}
      </h2>
      {view.capStatus !== 'Actual' && <p className="test-banner">{t('alerting.notPublic')}</p>}
      <p>
        <span className="badge" data-testid="alert-state">
          {t(`alerting.states.${view.state}`)}
        </span>{' '}
        {t(`alerting.kindsOfAlert.${view.kind}`)} · {view.zones.map((z) => z.name).join(', ')}
        {view.endedAt && ` · ${t('alerting.ended')}`}
      </p>
      <p className="hint">
        {view.createdBy && t('alerting.writtenBy', { name: view.createdBy.name })}
        {view.submittedBy && ` · ${t('alerting.submittedBy', { name: view.submittedBy.name })}`}
        {view.decidedBy && ` · ${t('alerting.decidedBy', { name: view.decidedBy.name })}`}
      </p>
      {view.rejectReason && view.state === 'rejected' && <p className="error-summary">{view.rejectReason}</p>}
      {view.findings.length > 0 && (
        <div className="error-summary" role="alert" data-testid="guard-findings">
          <p>{t('alerting.findings')}</p>
          <ul>
            {view.findings.map((f) => (
              <li key={`${f.language}-${f.field}-${f.zoneId ?? ''}-${f.start}`}>
                {findingText(t, f, view.zones)}
              </li>
            ))}
          </ul>
        </div>
      )}
      {/* The guard's findings are named by the general sentence; these codes mean something particular here. */}
      <ErrorSummary
        error={step.error}
        overrides={{
          FORBIDDEN: t('alerting.errors.FORBIDDEN'),
          INVALID_TRANSITION: t('alerting.errors.INVALID_TRANSITION'),
          CONFLICT: t('alerting.errors.CONFLICT'),
        }}
      />

      {/* Sent: how far it got, before anything else. */}
      {view.state === 'published' && <DeliveryProgress view={view} />}

      {/* Not sent yet: what would leave, then whom it reaches, then the decision. */}
      {view.state !== 'published' && preview.data && <Preview preview={preview.data} />}
      {approving && <Recipients alertId={view.id} capStatus={view.capStatus} />}

      {(view.state === 'draft' || view.state === 'rejected') && can('alerts:compose') && (
        <div className="actions">
          <button type="button" className="button primary" onClick={() => act('submit')}>
            {t('alerting.submit')}
          </button>
          <button type="button" className="button" onClick={() => onEdit({ alert: view })}>
            {t('alerting.save')}
          </button>
        </div>
      )}
      {approving && (
        <section className="decision" aria-labelledby={`${formId}-decide`} data-testid="decision">
          <h3 id={`${formId}-decide`}>{t('alerting.decide')}</h3>
          {view.incidentId && <IncidentLink alertId={view.id} factsId={factsId} />}
          <div className="actions">
            <button
              type="button"
              className="button primary"
              onClick={() =>
                act(
                  'approve',
                  // Approves what this page shows: the preview's content, or else the view's.
                  { contentHash: preview.data?.contentHash ?? view.contentHash },
                  t('alerting.confirmApprove', { status: t(`alerting.statusBadge.${view.capStatus}`) }),
                )
              }
            >
              {t('alerting.approve')}
            </button>
          </div>
          <div className="reject">
            <label htmlFor={`${formId}-reason`}>{t('alerting.reason')}</label>
            <input
              id={`${formId}-reason`}
              className="reject-reason"
              value={reason}
              onChange={(e) => setReason(e.target.value)}
            />
            <button
              type="button"
              className="button"
              disabled={!reason.trim()}
              onClick={() => act('reject', { reason })}
            >
              {t('alerting.reject')}
            </button>
          </div>
        </section>
      )}

      {active && (can('alerts:compose') || can('alerts:cancel')) && (
        <section className="follow-up" aria-labelledby={`${formId}-follow`}>
          <h3 id={`${formId}-follow`}>{t('alerting.followUp')}</h3>
          {can('alerts:compose') && (
            <div className="actions">
              <button
                type="button"
                className="button"
                onClick={() => onEdit({ referencesId: view.id, kind: 'update' })}
              >
                {t('alerting.update')}
              </button>
              <button
                type="button"
                className="button"
                onClick={() => onEdit({ referencesId: view.id, kind: 'all_clear' })}
              >
                {t('alerting.allClear')}
              </button>
            </div>
          )}
          {can('alerts:cancel') &&
            (confirmingCancel ? (
              <fieldset className="confirm-cancel">
                <legend>{t('alerting.confirmCancel')}</legend>
                <div className="actions">
                  <button
                    type="button"
                    className="button danger"
                    disabled={step.isPending}
                    onClick={() => act('cancel')}
                  >
                    {t('alerting.cancelYes')}
                  </button>
                  <button
                    ref={keep}
                    type="button"
                    data-testid="keep-alert"
                    className="button"
                    onClick={() => setConfirmingCancel(false)}
                  >
                    {t('alerting.cancelKeep')}
                  </button>
                </div>
              </fieldset>
            ) : (
              <p>
                <button type="button" className="link cancel-link" onClick={() => setConfirmingCancel(true)}>
                  {t('alerting.cancel')}
                </button>
              </p>
            ))}
        </section>
      )}

      {view.incidentId && (
        <IncidentFacts
          alertId={view.id}
          headingId={factsId}
          onBoard={can('incidents:read') ? view.incidentId : undefined}
        />
      )}
      {view.state === 'published' && preview.data && <Preview preview={preview.data} />}
    </article>
  );
}

/** Before deciding: a link to what the approver may see of the incident (its verdict and public facts). */
function IncidentLink({ alertId, factsId }: { alertId: string; factsId: string }) {
  const { t } = useTranslation();
  const facts = useQuery({
    queryKey: ['alert-incident', alertId],
    queryFn: () => api<{ incident: { number: number } | null }>(`/api/manage/alerts/${alertId}/incident`),
  });
  const number = facts.data?.incident?.number;
  if (number === undefined) return null;
  return (
    <p>
      <a href={`#${factsId}`} data-testid="incident-link">
        {t('alerting.checkIncident', { number })}
      </a>
    </p>
  );
}
