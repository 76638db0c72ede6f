import type { Database } from '../db/database.js';
import { type DomainEvent, EVENTS_CHANNEL, parseEventPayload } from './events.js';
import { eventsAfter, latestEventId } from './events.repo.js';

type Listener = (event: DomainEvent) => void;

/**
 * Hears the domain events every Faro process announces (one NOTIFY channel)
 * and hands them, in order, to this process's listeners: the board's feed,
 * the responders' streams, the grouper. It knows no module; what an event
 * means to a page is the listener's business.
 */
export interface RealtimeHub {
  /** Hears every domain event of every coalition, in the order announced; returns the way to stop. */
  tap(listener: Listener): () => void;
  /** A coalition's events after the given id, oldest first (for a stream that reconnects). */
  eventsAfter(coalitionId: string, afterId: number, limit: number): Promise<DomainEvent[]>;
  /** Whether it hears other processes now (its LISTEN connection is up). */
  listening(): boolean;
  close(): Promise<void>;
}

const CATCH_UP_LIMIT = 5_000;

/** Starts listening and returns the hub. */
export async function startRealtimeHub(
  database: Database,
  onError: (error: unknown) => void,
): Promise<RealtimeHub> {
  const listeners = new Set<Listener>();
  // One at a time, in arrival order: events caught up after a lost connection come before newer ones.
  let chain: Promise<void> = Promise.resolve();
  const enqueue = (work: () => void | Promise<void>) => {
    chain = chain.then(work).catch(onError);
  };
  // The newest event this process has handed on, to catch up after a lost LISTEN connection.
  let lastSeenId = await latestEventId(database.db, null);

  const announce = (event: DomainEvent) => {
    lastSeenId = Math.max(lastSeenId, event.id);
    for (const listener of listeners) {
      try {
        listener(event);
      } catch (error) {
        onError(error);
      }
    }
  };
  const catchUp = async () => {
    for (const row of await eventsAfter(database.db, null, lastSeenId, CATCH_UP_LIMIT)) {
      announce(row);
    }
  };

  const unlisten = await database.listen(
    EVENTS_CHANNEL,
    (payload) => {
      const event = parseEventPayload(payload);
      if (event) enqueue(() => announce(event));
    },
    () => enqueue(catchUp),
  );

  return {
    tap(listener) {
      listeners.add(listener);
      return () => {
        listeners.delete(listener);
      };
    },
    async eventsAfter(coalitionId, afterId, limit) {
      return eventsAfter(database.db, coalitionId, afterId, limit);
    },
    listening: () => database.listening(),
    async close() {
      listeners.clear();
      await unlisten();
      await chain;
    },
  };
}
