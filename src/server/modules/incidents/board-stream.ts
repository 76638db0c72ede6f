import type { LiveEvent } from '../../../shared/events.js';
import type { DomainEvent } from '../../realtime/events.js';
import type { RealtimeHub } from '../../realtime/hub.js';
import type { IncidentService } from './incidents.service.js';

export interface LiveMessage {
  id: number;
  event: LiveEvent;
}

type Subscriber = (message: LiveMessage) => void;

/** The dispatch boards of this process: what each is sent, resolved once per event, not once per board. */
export interface BoardFeed {
  subscribe(coalitionId: string, subscriber: Subscriber): () => void;
  /** What a board that reconnects with Last-Event-ID missed. */
  replay(coalitionId: string, afterId: number, limit?: number): Promise<LiveMessage[]>;
}

/**
 * What the dispatch board is sent for a domain event: an incident's summary
 * when it changed. A report reaches the board through its incident (grouping
 * announces the incident), so `report.created` resolves to nothing: it only
 * wakes the grouper. A responder's own events go to their app's stream, and
 * access changes only make that person's streams check their session.
 */
export function boardEvent(
  incidents: Pick<IncidentService, 'summary'>,
): (event: DomainEvent) => Promise<LiveEvent | null> {
  return async (event) => {
    if (event.type !== 'incident.updated') return null;
    const incident = await incidents.summary(event.coalitionId, event.subjectId);
    return incident ? { type: 'incident.updated', incident } : null;
  };
}

/** Feeds this process's boards from the hub, in the order events were announced. */
export function createBoardFeed(deps: {
  hub: Pick<RealtimeHub, 'tap' | 'eventsAfter'>;
  incidents: Pick<IncidentService, 'summary'>;
  onError: (error: unknown) => void;
}): BoardFeed & { close(): Promise<void> } {
  const resolve = boardEvent(deps.incidents);
  const subscribers = new Map<Subscriber, string>();
  let chain: Promise<void> = Promise.resolve();
  const deliver = async (event: DomainEvent) => {
    const interested = [...subscribers].filter(([, coalitionId]) => coalitionId === event.coalitionId);
    if (interested.length === 0) return;
    const live = await resolve(event);
    if (!live) return;
    for (const [subscriber] of interested) subscriber({ id: event.id, event: live });
  };
  const untap = deps.hub.tap((event) => {
    chain = chain.then(() => deliver(event)).catch(deps.onError);
  });
  return {
    subscribe(coalitionId, subscriber) {
      subscribers.set(subscriber, coalitionId);
      return () => {
        subscribers.delete(subscriber);
      };
    },
    async replay(coalitionId, afterId, limit = 500) {
      const messages: LiveMessage[] = [];
      for (const event of await deps.hub.eventsAfter(coalitionId, afterId, limit)) {
        const live = await resolve(event);
        if (live) messages.push({ id: event.id, event: live });
      }
      return messages;
    },
    async close() {
      untap();
      subscribers.clear();
      await chain;
    },
  };
}
