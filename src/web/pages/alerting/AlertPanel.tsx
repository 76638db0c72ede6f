import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useId, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { AlertPreview, AlertView } from '../../../shared/alert.js';
import { DELIVERY_CHANNELS } from '../../../shared/alert.js';
import type { Permission } from '../../../shared/permissions.js';
import { api } from '../../api.js';
import { ErrorSummary } from '../../components/ErrorSummary.js';
import type { EditorStart } from './AlertEditor.js';
import { findingText } from './findings.js';
import { IncidentFacts } from './IncidentFacts.js';

export const alertKey = (id: string) => ['alert', id];

/** Test and exercise alerts wear their status everywhere, in large type. */
export function StatusBadge({ status }: { status: AlertView['capStatus'] }) {
  const { t } = useTranslation();
  return <span className={`badge cap-${status}`}>{t(`alerting.statusBadge.${status}`)}</span>;
}

/**
 * One alert: what the guard found, what would leave on each channel, the
 * two-person steps, and once sent, delivery progress and the follow-ups.
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
      <div className="actions">
        {(view.state === 'draft' || view.state === 'rejected') && can('alerts:compose') && (
          <>
            <button type="button" className="button" onClick={() => onEdit({ alert: view })}>
              {t('alerting.save')}
            </button>
            <button type="button" className="button primary" onClick={() => act('submit')}>
              {t('alerting.submit')}
            </button>
          </>
        )}
        {view.state === 'submitted' && can('alerts:approve') && (
          <>
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
            <label htmlFor={`${formId}-reason`}>{t('alerting.reason')}</label>
            <input id={`${formId}-reason`} value={reason} onChange={(e) => setReason(e.target.value)} />
            <button
              type="button"
              className="button"
              disabled={!reason.trim()}
              onClick={() => act('reject', { reason })}
            >
              {t('alerting.reject')}
            </button>
          </>
        )}
        {active && can('alerts:cancel') && (
          <button
            type="button"
            className="button danger"
            onClick={() => act('cancel', undefined, t('alerting.confirmCancel'))}
          >
            {t('alerting.cancel')}
          </button>
        )}
        {active && can('alerts:compose') && (
          <>
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
          </>
        )}
      </div>
      {view.incidentId && <IncidentFacts alertId={view.id} />}
      {view.state === 'published' && (
        <table className="deliveries" data-testid="deliveries">
          <caption>{t('alerting.deliveries')}</caption>
          <thead>
            <tr>
              <th scope="col" />
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
      )}
      {preview.data && (
        <section aria-label={t('alerting.preview')}>
          <h3>{t('alerting.preview')}</h3>
          {preview.data.languages.map((p) => (
            <div key={p.language} className="preview" lang={p.language}>
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
            <pre>{preview.data.cap}</pre>
          </details>
        </section>
      )}
    </article>
  );
}
