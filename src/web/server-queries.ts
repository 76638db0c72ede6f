import type { DehydratedState } from '@tanstack/react-query';
import type { ServerPage } from '../shared/pages.js';

/**
 * The data the server rendered a page with, as react-query's dehydrated
 * state: the page's queries start with it (no loading state, no second
 * request) and refresh as they normally would.
 */
export function dehydratedQueries(queries: ServerPage['queries'], at = Date.now()): DehydratedState {
  return {
    mutations: [],
    queries: queries.map(({ key, data }) => ({
      queryKey: [...key],
      queryHash: JSON.stringify(key),
      dehydratedAt: at,
      state: {
        data,
        dataUpdateCount: 1,
        dataUpdatedAt: at,
        error: null,
        errorUpdateCount: 0,
        errorUpdatedAt: 0,
        fetchFailureCount: 0,
        fetchFailureReason: null,
        fetchMeta: null,
        isInvalidated: false,
        status: 'success',
        fetchStatus: 'idle',
      },
    })),
  };
}
