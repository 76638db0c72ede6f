import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useSearchParams } from 'react-router';
import type { AlertView } from '../../shared/alert.js';
import { api } from '../api.js';
import { ThemeSwitch } from '../components/ThemeSwitch.js';
import { usePageTitle } from '../pageTitle.js';
import { useSession } from '../session.js';
import { AlertEditor, type EditorStart } from './alerting/AlertEditor.js';
import { AlertPanel, alertKey, StatusBadge } from './alerting/AlertPanel.js';

/**
 * Alerting for dispatchers and approvers: compose from an incident or from
 * scratch, submit, approve (another person), follow delivery, and update,
 * end or cancel what was sent.
 */
export default function AlertingPage() {
  const { t } = useTranslation();
  const client = useQueryClient();
  const session = useSession().data;
  const permissions = session?.state === 'signed_in' ? session.permissions : [];
  const [params, setParams] = useSearchParams();
  const incidentId = params.get('incident') ?? undefined;
  const [editing, setEditing] = useState<EditorStart | null>(incidentId ? { incidentId } : null);
  const selected = params.get('alert');
  const alerts = useQuery({
    queryKey: ['alerts'],
    queryFn: () => api<{ alerts: AlertView[] }>('/api/manage/alerts'),
    refetchInterval: 5000,
  });
  usePageTitle(alertingTitle(t, { editing, alerts: alerts.data?.alerts ?? [], selected, permissions }));
  const open = (id: string) => {
    setEditing(null);
    setParams({ alert: id });
  };

  return (
    <div className="alerting">
      <section aria-labelledby="alerting-list">
        <h1 id="alerting-list">{t('alerting.title')}</h1>
        <ThemeSwitch />
        {permissions.includes('alerts:compose') && (
          <button type="button" className="button primary" onClick={() => setEditing({})}>
            {t('alerting.new')}
          </button>
        )}
        {alerts.data?.alerts.length === 0 && <p>{t('alerting.empty')}</p>}
        <ul className="alert-rows">
          {alerts.data?.alerts.map((alert) => (
            <li key={alert.id}>
              <button
                type="button"
                className={`alert-row${alert.id === selected ? ' selected' : ''}`}
                aria-current={alert.id === selected}
                onClick={() => open(alert.id)}
              >
                <StatusBadge status={alert.capStatus} /> <span>{alert.content.en.headline}</span>{' '}
                <small>{t(`alerting.states.${alert.state}`)}</small>
              </button>
            </li>
          ))}
        </ul>
      </section>
      <div>
        {editing ? (
          <AlertEditor
            key={JSON.stringify(editing)}
            start={editing}
            onSaved={(alert) => {
              client.setQueryData(alertKey(alert.id), alert);
              void client.invalidateQueries({ queryKey: ['alerts'] });
              open(alert.id);
            }}
          />
        ) : (
          selected && (
            <AlertPanel
              key={selected}
              id={selected}
              permissions={permissions}
              onEdit={setEditing}
              onOpen={open}
            />
          )
        )}
      </div>
    </div>
  );
}

/**
 * The tab says what this page is for now: "Approve alert" when an approver
 * has one waiting open, the alert's state otherwise, and on the list how many
 * wait for approval.
 */
function alertingTitle(
  t: (key: string) => string,
  page: {
    editing: EditorStart | null;
    alerts: readonly AlertView[];
    selected: string | null;
    permissions: readonly string[];
  },
): string {
  if (page.editing) return t(page.editing.alert ? 'alerting.pageTitle.draft' : 'alerting.pageTitle.new');
  const alert = page.alerts.find((a) => a.id === page.selected);
  if (alert) {
    if (alert.state === 'submitted')
      return t(
        page.permissions.includes('alerts:approve')
          ? 'alerting.pageTitle.approve'
          : 'alerting.pageTitle.waiting',
      );
    return t(
      {
        draft: 'alerting.pageTitle.draft',
        published: 'alerting.pageTitle.sent',
        rejected: 'alerting.pageTitle.rejected',
      }[alert.state],
    );
  }
  const waiting = page.alerts.filter((a) => a.state === 'submitted').length;
  return `${waiting > 0 ? `(${waiting}) ` : ''}${t('alerting.pageTitle.list')}`;
}
