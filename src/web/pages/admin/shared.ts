import { useQuery, useQueryClient } from '@tanstack/react-query';
import type { AdminOrganizations } from '../../../shared/admin.js';
import type { Role } from '../../../shared/roles.js';
import { api } from '../../api.js';
import { currentLanguage } from '../../i18n.js';

/** The coalition's organizations, shared by the admin sections. */
export const useOrganizations = () =>
  useQuery({
    queryKey: ['admin', 'organizations'],
    queryFn: () => api<AdminOrganizations>('/api/admin/organizations'),
  });

/** Reloads every admin list after a change. */
export function useRefreshAdmin() {
  const client = useQueryClient();
  return () => client.invalidateQueries({ queryKey: ['admin'] });
}

export const formatWhen = (iso: string) =>
  new Intl.DateTimeFormat(currentLanguage(), { dateStyle: 'medium', timeStyle: 'short' }).format(
    new Date(iso),
  );

export type { Role };
