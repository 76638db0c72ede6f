/** The channel that wakes every Faro process's hub when domain events were committed (no payload it reads). */
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
