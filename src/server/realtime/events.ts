/**
 * The channel that wakes every Faro process's hub when domain events were
 * committed; a wake's parts, when it has them, are those events (`eventWakePart`).
 */
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

/** A committed event as a part of the hubs' wake (`Database.wake`): what a hub would read of it. */
export function eventWakePart(event: DomainEvent): string {
  return `${event.id},${event.coalitionId},${event.type},${event.subjectId}`;
}

/** The event a wake's part names; undefined for a part that is not one (a hub then reads). */
export function eventOfWakePart(part: string): DomainEvent | undefined {
  const [id, coalitionId, type, subjectId, extra] = part.split(',');
  const n = Number(id);
  if (!Number.isSafeInteger(n) || !coalitionId || !subjectId || extra !== undefined) return undefined;
  if (!DOMAIN_EVENT_TYPES.includes(type as DomainEventType)) return undefined;
  return { id: n, coalitionId, type: type as DomainEventType, subjectId };
}
