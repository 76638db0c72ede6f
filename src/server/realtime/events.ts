import type { Tx } from '../db/database.js';
import { domainEvents } from '../db/schema.js';

/** The NOTIFY channel that carries domain event ids between Faro processes. */
export const EVENTS_CHANNEL = 'faro_events';

export type DomainEventType = 'report.created';

export interface DomainEvent {
  id: number;
  coalitionId: string;
  type: DomainEventType;
  subjectId: string;
}

/**
 * Records a domain event and announces it, inside the caller's transaction:
 * PostgreSQL delivers the NOTIFY only on commit, so no process ever hears of a
 * change that was rolled back. The payload is ids only (NOTIFY is < 8000 bytes).
 */
export async function recordEvent(tx: Tx, event: Omit<DomainEvent, 'id'>): Promise<DomainEvent> {
  const [row] = await tx.db.insert(domainEvents).values(event).returning({ id: domainEvents.id });
  if (!row) throw new Error('domain event insert returned no row');
  const recorded: DomainEvent = { id: row.id, ...event };
  await tx.client.query('select pg_notify($1, $2)', [EVENTS_CHANNEL, JSON.stringify(recorded)]);
  return recorded;
}

/** Parses a NOTIFY payload, or null if it is not one of ours. */
export function parseEventPayload(payload: string): DomainEvent | null {
  try {
    const value = JSON.parse(payload) as Partial<DomainEvent>;
    if (
      typeof value.id === 'number' &&
      typeof value.coalitionId === 'string' &&
      typeof value.type === 'string' &&
      typeof value.subjectId === 'string'
    ) {
      return value as DomainEvent;
    }
  } catch {
    // fall through
  }
  return null;
}
