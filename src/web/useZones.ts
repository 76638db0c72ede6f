import { useQuery } from '@tanstack/react-query';
import type { ZoneList } from '../shared/zone.js';
import { api } from './api.js';

/** The query of the zone list: the server renders pages with it already answered. */
export const ZONES_KEY = ['zones'] as const;

/** The network's zones (public), read once and shared by every page that lists them. */
export function useZones() {
  // Zones change when an administrator redraws them, not while a form is open.
  return useQuery({ queryKey: ZONES_KEY, queryFn: () => api<ZoneList>('/api/zones'), staleTime: 5 * 60_000 });
}
