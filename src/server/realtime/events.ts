/** The NOTIFY channel that carries domain event ids between Faro processes. */
export const EVENTS_CHANNEL = 'faro_events';

/**
 * `responder.updated` (subject: the responder's user id) reaches only that responder's app.
 * `access.changed` (subject: a user id) says that person's sessions or roles changed
 * (sign-out, disabled, a role granted or taken away): their live streams check again at once.
 */
export const DOMAIN_EVENT_TYPES = [
  'report.created',
  'incident.updated',
  'responder.updated',
  'access.changed',
] as const;
export type DomainEventType = (typeof DOMAIN_EVENT_TYPES)[number];

export interface DomainEvent {
  id: number;
  coalitionId: string;
  type: DomainEventType;
  subjectId: string;
}

/** Parses a NOTIFY payload, or null if it is not one of ours. */
export function parseEventPayload(payload: string): DomainEvent | null {
  try {
    const value = JSON.parse(payload) as Partial<DomainEvent>;
    if (
      typeof value.id === 'number' &&
      typeof value.coalitionId === 'string' &&
      typeof value.type === 'string' &&
      (DOMAIN_EVENT_TYPES as readonly string[]).includes(value.type) &&
      typeof value.subjectId === 'string'
    ) {
      return value as DomainEvent;
    }
  } catch {
    // fall through
  }
  return null;
}
