import { useQuery, useQueryClient } from '@tanstack/react-query';
import type { AdminOrganizations } from '../../../shared/admin.js';
import { isLanguage } from '../../../shared/language.js';
import type { Role } from '../../../shared/roles.js';
import { formatTime } from '../../../shared/time.js';
import { api } from '../../api.js';
import { currentLanguage } from '../../i18n.js';
import { readServerPage } from '../../server-page.js';

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

/** A date and time in an admin list (formatted in callbacks, so not the hook): the one formatter, the coalition's zone. */
export function formatWhen(iso: string): string {
  const language = currentLanguage();
  const timeZone = readServerPage()?.timeZone ?? Intl.DateTimeFormat().resolvedOptions().timeZone;
  return formatTime(iso, isLanguage(language) ? language : 'en', timeZone, 'dateTime');
}

export type { Role };
