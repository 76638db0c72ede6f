import { type InfiniteData, useInfiniteQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import type { LiveEvent } from '../../shared/events.js';
import type { ReportList } from '../../shared/report.js';
import { api } from '../api.js';

export type Connection = 'connecting' | 'live' | 'offline';

const KEY = ['reports'];

/**
 * The board's report list: the first page over HTTP, then every new report
 * pushed over Server-Sent Events into the same cache, newest first, without
 * refetching. On reconnect the browser sends Last-Event-ID and the server
 * replays what was missed.
 */
export function useLiveReports() {
  const queryClient = useQueryClient();
  const [connection, setConnection] = useState<Connection>('connecting');
  const [freshIds, setFreshIds] = useState<ReadonlySet<string>>(new Set());

  const query = useInfiniteQuery({
    queryKey: KEY,
    queryFn: ({ pageParam }) =>
      api<ReportList>(`/api/reports?limit=50${pageParam ? `&cursor=${encodeURIComponent(pageParam)}` : ''}`),
    initialPageParam: '',
    getNextPageParam: (last) => last.nextCursor ?? undefined,
    staleTime: Number.POSITIVE_INFINITY,
  });

  // Resume the stream exactly where the first page was read, so no report falls between the two.
  const since = query.data?.pages[0]?.lastEventId;
  useEffect(() => {
    if (since === undefined) return;
    const source = new EventSource(`/api/events?since=${since}`);
    source.addEventListener('open', () => setConnection('live'));
    source.addEventListener('error', () =>
      setConnection(source.readyState === EventSource.CLOSED ? 'offline' : 'connecting'),
    );
    source.addEventListener('report.created', (message) => {
      const event = JSON.parse((message as MessageEvent<string>).data) as Extract<
        LiveEvent,
        { type: 'report.created' }
      >;
      queryClient.setQueryData<InfiniteData<ReportList, string>>(KEY, (data) => {
        if (!data) return data;
        if (data.pages.some((page) => page.reports.some((r) => r.id === event.report.id))) return data;
        const [first, ...rest] = data.pages;
        if (!first) return data;
        return { ...data, pages: [{ ...first, reports: [event.report, ...first.reports] }, ...rest] };
      });
      setFreshIds((ids) => new Set(ids).add(event.report.id));
    });
    return () => source.close();
  }, [queryClient, since]);

  const reports = query.data?.pages.flatMap((page) => page.reports) ?? [];
  return { query, reports, connection, freshIds };
}
