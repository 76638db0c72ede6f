import { useQuery } from '@tanstack/react-query';
import { useId, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { AuditAction, AuditPage } from '../../../shared/admin.js';
import { api } from '../../api.js';
import { formatWhen } from './shared.js';

const ACTIONS = [
  'auth.signed_in',
  'auth.sign_in_failed',
  'auth.second_factor_failed',
  'auth.second_factor_locked',
  'auth.password_changed',
  'auth.totp_enrolled',
  'auth.passkey_added',
  'invitation.created',
  'invitation.accepted',
  'user.disabled',
  'user.enabled',
  'membership.granted',
  'membership.revoked',
  'membership.conflict_flagged',
  'organization.created',
  'alert.drafted',
  'alert.edited',
  'alert.submitted',
  'alert.approved',
  'alert.rejected',
  'alert.cancelled',
  'alert.updated',
  'alert.cleared',
  'settings.publishing_changed',
] as const satisfies readonly AuditAction[];

/** The audit log: the latest entries, filtered by action, and the same as CSV. */
export function AuditSection() {
  const { t } = useTranslation();
  const id = useId();
  const [action, setAction] = useState('');
  const query = action ? `?action=${encodeURIComponent(action)}` : '';
  const entries = useQuery({
    queryKey: ['admin', 'audit', action],
    queryFn: () => api<AuditPage>(`/api/admin/audit${query}${query ? '&' : '?'}limit=50`),
  });
  return (
    <>
      <h2>{t('admin.audit')}</h2>
      <label htmlFor={`${id}-action`}>{t('admin.auditAction')}</label>
      <select id={`${id}-action`} value={action} onChange={(e) => setAction(e.target.value)}>
        <option value="">{t('admin.auditAll')}</option>
        {ACTIONS.map((value) => (
          <option key={value} value={value}>
            {value}
          </option>
        ))}
      </select>
      <table className="table" data-testid="audit">
        <thead>
          <tr>
            <th scope="col">{t('admin.auditWhen')}</th>
            <th scope="col">{t('admin.auditWho')}</th>
            <th scope="col">{t('admin.auditAction')}</th>
            <th scope="col">{t('admin.auditRecord')}</th>
          </tr>
        </thead>
        <tbody>
          {entries.data?.entries.map((entry) => (
            <tr key={entry.id}>
              <td>{formatWhen(entry.at)}</td>
              <td>{entry.actorName ?? '—'}</td>
              <td className="mono">{entry.action}</td>
              <td className="mono break">
                {entry.subjectType}
                {entry.subjectId ? ` ${entry.subjectId.slice(0, 8)}` : ''}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <p>
        <a className="button" href={`/api/admin/audit.csv${query}`} download>
          {t('admin.auditCsv')}
        </a>
      </p>
    </>
  );
}
