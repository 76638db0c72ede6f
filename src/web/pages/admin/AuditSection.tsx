import { useQuery } from '@tanstack/react-query';
import type { TFunction } from 'i18next';
import { useId, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { AuditPage } from '../../../shared/admin.js';
import { AUDIT_ACTIONS } from '../../../shared/audit.js';
import { api } from '../../api.js';
import { TableScroll } from '../../components/TableScroll.js';
import { formatWhen } from './shared.js';

/** An action or record kind in the reader's language; one an older version recorded stays as stored. */
const labelOf = (t: TFunction, group: 'auditActions' | 'auditSubjects', value: string) =>
  t(`admin.${group}.${value.replaceAll('.', '_')}`, { defaultValue: value });

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
      <label htmlFor={`${id}-action`}>{t('admin.auditAction')}</label>
      <select id={`${id}-action`} value={action} onChange={(e) => setAction(e.target.value)}>
        <option value="">{t('admin.auditAll')}</option>
        {AUDIT_ACTIONS.map((value) => (
          <option key={value} value={value}>
            {labelOf(t, 'auditActions', value)}
          </option>
        ))}
      </select>
      <TableScroll captionId={`${id}-caption`}>
        <table className="table" data-testid="audit">
          <caption id={`${id}-caption`} className="hint">
            {t('admin.auditCaption')}
          </caption>
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
                <td>{labelOf(t, 'auditActions', entry.action)}</td>
                <td className="break">
                  {labelOf(t, 'auditSubjects', entry.subjectType)}
                  {entry.subjectId ? <span className="mono"> {entry.subjectId.slice(0, 8)}</span> : null}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </TableScroll>
      <p>
        <a className="button" href={`/api/admin/audit.csv${query}`} download>
          {t('admin.auditCsv')}
        </a>
      </p>
    </>
  );
}
