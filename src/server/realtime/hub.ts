import type { LiveEvent } from '../../shared/events.js';
import type { Database } from '../db/database.js';
import { type DomainEvent, EVENTS_CHANNEL, parseEventPayload } from './events.js';
import { eventsAfter, latestEventId } from './events.repo.js';

export interface LiveMessage {
  id: number;
  event: LiveEvent;
}

/** Turns a domain event into what the board shows, or null if there is nothing to show. */
export type EventResolver = (event: DomainEvent) => Promise<LiveEvent | null>;

type Subscriber = (message: LiveMessage) => void;

/**
 * Fans domain events out to this process's live connections. Every process
 * LISTENs on one channel; each event is resolved to its document once per
 * process, not once per connection.
 */
export interface RealtimeHub {
  subscribe(coalitionId: string, subscriber: Subscriber): () => void;
  /** Hears every domain event of every coalition as announced, unresolved (for workers). */
  tap(listener: (event: DomainEvent) => void): () => void;
  /** Events after the given id, for a client that reconnects with Last-Event-ID. */
  replay(coalitionId: string, afterId: number, limit?: number): Promise<LiveMessage[]>;
  close(): Promise<void>;
}

const CATCH_UP_LIMIT = 5_000;

/** Starts listening and returns the hub. */
export async function startRealtimeHub(
  database: Database,
  resolve: EventResolver,
  onError: (error: unknown) => void,
): Promise<RealtimeHub> {
  const subscribers = new Map<Subscriber, string>();
  const taps = new Set<(event: DomainEvent) => void>();
  // Resolve events in arrival order so the board never sees them shuffled.
  let chain: Promise<void> = Promise.resolve();
  const enqueue = (work: () => Promise<void>) => {
    chain = chain.then(work).catch(onError);
  };
  // The newest event this process has handled, to catch up after a lost LISTEN connection.
  let lastSeenId = await latestEventId(database.db, null);

  const deliver = async (event: DomainEvent) => {
    lastSeenId = Math.max(lastSeenId, event.id);
    const interested = [...subscribers].filter(([, coalitionId]) => coalitionId === event.coalitionId);
    if (interested.length === 0) return;
    const live = await resolve(event);
    if (!live) return;
    for (const [subscriber] of interested) subscriber({ id: event.id, event: live });
  };

  const catchUp = async () => {
    for (const row of await eventsAfter(database.db, null, lastSeenId, CATCH_UP_LIMIT)) {
      await deliver({ ...row, type: row.type as DomainEvent['type'] });
    }
  };

  const unlisten = await database.listen(
    EVENTS_CHANNEL,
    (payload) => {
      const event = parseEventPayload(payload);
      if (!event) return;
      for (const listener of taps) listener(event);
      enqueue(() => deliver(event));
    },
    () => enqueue(catchUp),
  );

  return {
    subscribe(coalitionId, subscriber) {
      subscribers.set(subscriber, coalitionId);
      return () => {
        subscribers.delete(subscriber);
      };
    },
    tap(listener) {
      taps.add(listener);
      return () => {
        taps.delete(listener);
      };
    },
    async replay(coalitionId, afterId, limit = 500) {
      const rows = await eventsAfter(database.db, coalitionId, afterId, limit);
      const messages: LiveMessage[] = [];
      for (const row of rows) {
        const live = await resolve({ ...row, type: row.type as DomainEvent['type'] });
        if (live) messages.push({ id: row.id, event: live });
      }
      return messages;
    },
    async close() {
      subscribers.clear();
      taps.clear();
      await unlisten();
      await chain;
    },
  };
}
