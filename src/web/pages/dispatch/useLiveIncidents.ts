import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useRef, useState } from 'react';
import type { LiveEvent } from '../../../shared/events.js';
import type { IncidentList, IncidentSummary } from '../../../shared/incident.js';
import type { IncidentStatus } from '../../../shared/report-fields.js';
import { api } from '../../api.js';

export type Connection = 'connecting' | 'live' | 'offline';

export interface BoardFilter {
  statuses: readonly IncidentStatus[];
  zoneId: string;
}

const listKey = (filter: BoardFilter) => ['incidents', filter.statuses.join(','), filter.zoneId];
export const detailKey = (id: string) => ['incident', id];

/** As the server lists them: the filter's, and any incident where a responder is in trouble. */
const matches = (incident: IncidentSummary, filter: BoardFilter) =>
  incident.safety !== 'ok' ||
  (filter.statuses.includes(incident.status) && (!filter.zoneId || incident.zone?.id === filter.zoneId));

const byActivity = (a: IncidentSummary, b: IncidentSummary) =>
  b.lastActivityAt.localeCompare(a.lastActivityAt) || b.id.localeCompare(a.id);

/**
 * The board's incidents: the list over HTTP, then every change pushed over
 * Server-Sent Events into the same cache — an incident that gains a report
 * moves to the top, a merged or closed one leaves. On reconnect the browser
 * sends Last-Event-ID and the server replays what was missed. The open
 * incident's detail is refetched when it changes.
 */
export function useLiveIncidents(filter: BoardFilter, selectedId: string | null) {
  const queryClient = useQueryClient();
  const [connection, setConnection] = useState<Connection>('connecting');
  const [freshIds, setFreshIds] = useState<ReadonlySet<string>>(new Set());
  const key = listKey(filter);
  const selected = useRef(selectedId);
  selected.current = selectedId;

  const query = useQuery({
    queryKey: key,
    queryFn: () =>
      api<IncidentList>(
        `/api/incidents?status=${filter.statuses.join(',')}${filter.zoneId ? `&zoneId=${filter.zoneId}` : ''}`,
      ),
    staleTime: Number.POSITIVE_INFINITY,
  });

  // Resume the stream exactly where the list was read, so no change falls between the two.
  const since = query.data?.lastEventId;
  // biome-ignore lint/correctness/useExhaustiveDependencies: the key is derived from the filter, which `since` follows.
  useEffect(() => {
    if (since === undefined) return;
    const source = new EventSource(`/api/events?since=${since}`);
    source.addEventListener('open', () => setConnection('live'));
    source.addEventListener('error', () =>
      setConnection(source.readyState === EventSource.CLOSED ? 'offline' : 'connecting'),
    );
    source.addEventListener('incident.updated', (message) => {
      const { incident } = JSON.parse((message as MessageEvent<string>).data) as Extract<
        LiveEvent,
        { type: 'incident.updated' }
      >;
      queryClient.setQueryData<IncidentList>(key, (data) => {
        if (!data) return data;
        const others = data.incidents.filter((i) => i.id !== incident.id);
        const incidents = matches(incident, filter) ? [incident, ...others].sort(byActivity) : others;
        return { ...data, incidents };
      });
      void queryClient.invalidateQueries({ queryKey: detailKey(incident.id) });
      if (incident.id !== selected.current) setFreshIds((ids) => new Set(ids).add(incident.id));
    });
    return () => source.close();
  }, [queryClient, since]);

  // What the dispatcher has opened is no longer new.
  useEffect(() => {
    if (!selectedId) return;
    setFreshIds((ids) => {
      if (!ids.has(selectedId)) return ids;
      const next = new Set(ids);
      next.delete(selectedId);
      return next;
    });
  }, [selectedId]);

  return { query, incidents: query.data?.incidents ?? [], connection, freshIds };
}
