import { useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import type { RoleConflicts as RoleConflictList } from '../../../shared/admin.js';
import { api } from '../../api.js';
import { formatWhen } from './shared.js';

/**
 * A notice to every admin who manages them: people who can both write and
 * approve alerts, so one person could publish alone, and who granted it.
 */
export function RoleConflicts() {
  const { t } = useTranslation();
  const conflicts = useQuery({
    queryKey: ['admin', 'role-conflicts'],
    queryFn: () => api<RoleConflictList>('/api/admin/role-conflicts'),
  });
  const list = conflicts.data?.conflicts ?? [];
  if (list.length === 0) return null;
  return (
    <div className="status-card" role="status" data-testid="role-conflicts">
      <h2>{t('admin.conflicts.title')}</h2>
      <p>{t('admin.conflicts.intro')}</p>
      <ul className="plain">
        {list.map((conflict) => {
          const values = {
            name: conflict.displayName,
            roles: conflict.roles.map((role) => t(`roles.${role}`)).join(', '),
          };
          return (
            <li key={conflict.userId}>
              {conflict.flaggedAt && conflict.flaggedByName
                ? t('admin.conflicts.granted', {
                    ...values,
                    by: conflict.flaggedByName,
                    time: formatWhen(conflict.flaggedAt),
                  })
                : t('admin.conflicts.held', values)}
            </li>
          );
        })}
      </ul>
    </div>
  );
}
