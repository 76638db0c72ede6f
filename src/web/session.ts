import { useQuery, useQueryClient } from '@tanstack/react-query';
import type { SessionInfo } from '../shared/access.js';
import { ApiError, api, setCsrfToken } from './api.js';

export const SESSION_KEY = ['session'];

/** The current session, or null when signed out (a 401 is an answer, not an error). */
export function useSession(enabled = true) {
  return useQuery({
    enabled,
    queryKey: SESSION_KEY,
    queryFn: async () => {
      try {
        return await api<SessionInfo>('/api/auth/session');
      } catch (error) {
        if (error instanceof ApiError && error.status === 401) {
          setCsrfToken(undefined);
          return null;
        }
        throw error;
      }
    },
    staleTime: 30_000,
  });
}

/** Stores a session answer from a sign-in step as the current session. */
export function useSetSession() {
  const client = useQueryClient();
  return (session: SessionInfo | null) => {
    setCsrfToken(session?.csrfToken);
    client.setQueryData(SESSION_KEY, session);
  };
}
