import { useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import type { RetentionView } from '../../../shared/admin.js';
import { api } from '../../api.js';
import { formatWhen } from './shared.js';

/** What Faro deletes and when, and how much restricted data exists right now. */
export function RetentionSection() {
  const { t } = useTranslation();
  const view = useQuery({
    queryKey: ['admin', 'retention'],
    queryFn: () => api<RetentionView>('/api/admin/retention'),
  });
  if (!view.data) return null;
  const { policy, held } = view.data;
  return (
    <section aria-labelledby="retention-title" data-testid="retention">
      <h2 id="retention-title">{t('admin.retention.title')}</h2>
      <p className="hint">{t('admin.retention.intro')}</p>
      <table className="table">
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
      <p className="hint">
        {t('admin.retention.kept')}{' '}
        {held.oldestRestrictedAt &&
          t('admin.retention.oldest', { when: formatWhen(held.oldestRestrictedAt) })}
      </p>
    </section>
  );
}
