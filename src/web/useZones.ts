import { useQuery } from '@tanstack/react-query';
import { PAGE_QUERIES } from '../shared/pages.js';
import type { ZoneList } from '../shared/zone.js';
import { api } from './api.js';

/** The network's zones (public), read once and shared by every page that lists them. */
export function useZones() {
  // Zones change when an administrator redraws them, not while a form is open.
  return useQuery({
    queryKey: PAGE_QUERIES.zones,
    queryFn: () => api<ZoneList>('/api/zones'),
    staleTime: 5 * 60_000,
  });
}
