import { useQuery } from '@tanstack/react-query';
import type { ZoneList } from '../shared/zone.js';
import { api } from './api.js';

/** The network's zones (public), read once and shared by every page that lists them. */
export function useZones() {
  return useQuery({ queryKey: ['zones'], queryFn: () => api<ZoneList>('/api/zones') });
}
