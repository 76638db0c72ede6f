import { useQuery } from '@tanstack/react-query';
import { useId } from 'react';
import { useTranslation } from 'react-i18next';
import type { RetentionView } from '../../../shared/admin.js';
import { api } from '../../api.js';
import { TableScroll } from '../../components/TableScroll.js';
import { formatWhen } from './shared.js';

/** What Faro deletes and when, and how much restricted data exists right now. */
export function RetentionSection() {
  const { t } = useTranslation();
  const id = useId();
  const view = useQuery({
    queryKey: ['admin', 'retention'],
    queryFn: () => api<RetentionView>('/api/admin/retention'),
  });
  if (!view.data) return null;
  const { policy, held } = view.data;
  return (
    <div data-testid="retention">
      <p className="hint">{t('admin.retention.intro')}</p>
      <TableScroll captionId={`${id}-caption`}>
        <table className="table">
          <caption id={`${id}-caption`} className="hint">
            {t('admin.retention.caption')}
          </caption>
          <thead>
            <tr>
              <th scope="col">{t('admin.retention.what')}</th>
              <th scope="col">{t('admin.retention.deletedAfter')}</th>
              <th scope="col">{t('admin.retention.heldNow')}</th>
            </tr>
          </thead>
          <tbody>
            <tr>
              <td>{t('admin.retention.restricted')}</td>
              <td>{t('admin.retention.days', { count: policy.restrictedDays })}</td>
              <td>{held.reportsWithRestrictedFields}</td>
            </tr>
            <tr>
              <td>{t('admin.retention.photos')}</td>
              <td>{t('admin.retention.days', { count: policy.restrictedDays })}</td>
              <td>{held.photos}</td>
            </tr>
            <tr>
              <td>{t('admin.retention.notes')}</td>
              <td>{t('admin.retention.days', { count: policy.restrictedDays })}</td>
              <td>{held.incidentNotes}</td>
            </tr>
            <tr>
              <td>{t('admin.retention.callbacks')}</td>
              <td>{t('admin.retention.hours', { count: policy.callbackHours })}</td>
              <td>{held.callbackNumbers}</td>
            </tr>
            <tr>
              <td>{t('admin.retention.unclaimed')}</td>
              <td>{t('admin.retention.minutes', { count: policy.unclaimedPhotoMinutes })}</td>
              <td>—</td>
            </tr>
          </tbody>
        </table>
      </TableScroll>
      <p className="hint">
        {t('admin.retention.kept')}{' '}
        {held.oldestRestrictedAt &&
          t('admin.retention.oldest', { when: formatWhen(held.oldestRestrictedAt) })}
      </p>
    </div>
  );
}
