import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useRef, useState } from 'react';
import type { LiveEvent } from '../../../shared/events.js';
import type { IncidentList, IncidentSummary } from '../../../shared/incident.js';
import type { IncidentStatus } from '../../../shared/report-fields.js';
import { api } from '../../api.js';

export type Connection = 'connecting' | 'live' | 'offline';

/** How long to wait before opening a stream the server refused (the browser retries a dropped one itself). */
const RETRY_MS = [2_000, 5_000, 10_000, 30_000];

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
  /** When the board stopped being live (ms), while it is not: what the lost-connection banner counts from. */
  const [lostAt, setLostAt] = useState<number | null>(null);
  /** Bumped to open a new stream after the server refused one (the browser gives up on those). */
  const [attempt, setAttempt] = useState(0);
  /** The last event received for the list read at `since`: a new stream resumes from it, missing nothing. */
  const lastSeen = useRef<{ since: number; id: number } | null>(null);
  const failures = useRef(0);
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
  // biome-ignore lint/correctness/useExhaustiveDependencies: the key is derived from the filter, which `since` follows; `attempt` reopens a refused stream.
  useEffect(() => {
    if (since === undefined) return;
    const from = lastSeen.current?.since === since ? lastSeen.current.id : since;
    const source = new EventSource(`/api/events?since=${from}`);
    let retry: ReturnType<typeof setTimeout> | undefined;
    source.addEventListener('open', () => {
      failures.current = 0;
      setConnection('live');
      setLostAt(null);
    });
    source.addEventListener('error', () => {
      setLostAt((at) => at ?? Date.now());
      if (source.readyState !== EventSource.CLOSED) return setConnection('connecting');
      // Refused (a proxy's error page, a restart): the browser will not retry this one; open another.
      setConnection('offline');
      const delay = RETRY_MS[Math.min(failures.current, RETRY_MS.length - 1)];
      failures.current += 1;
      retry = setTimeout(() => setAttempt((n) => n + 1), delay);
    });
    source.addEventListener('incident.updated', (message) => {
      const id = Number((message as MessageEvent<string>).lastEventId);
      if (Number.isSafeInteger(id)) lastSeen.current = { since, id };
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
    return () => {
      clearTimeout(retry);
      source.close();
    };
  }, [queryClient, since, attempt]);

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

  return { query, incidents: query.data?.incidents ?? [], connection, lostAt, freshIds };
}
